#!/usr/bin/env python3
"""An independent check of Microsoft Entra "Bulk create users" CSV files, from Microsoft's documented rules
(../reference/online-steps.md, "Microsoft Entra Bulk create users CSV": MicrosoftDocs/entra-docs users-bulk-add.md,
bulk-operations-csv-guidance.md, concept-sspr-policy.md). Usage: entracheck.py --domain D [--domain D2] FILE...
Prints one line per problem and exits 1 if any; prints the number of users checked last.
A problem with a password never shows the password."""
import argparse, csv, io, re, sys

VERSION = "version:v1.0"
HEADER = ["Name [displayName] Required", "User name [userPrincipalName] Required",
          "Initial password [passwordProfile] Required", "Block sign in (Yes/No) [accountEnabled] Required",
          "First name [givenName]", "Last name [surname]", "Job title [jobTitle]", "Department [department]",
          "Usage location [usageLocation]", "Street address [streetAddress]", "State or province [state]",
          "Country or region [country]", "Office [physicalDeliveryOfficeName]", "City [city]",
          "ZIP or postal code [postalCode]", "Office phone [telephoneNumber]", "Mobile phone [mobile]"]
REQUIRED = HEADER[:4]
# concept-sspr-policy.md, "Username policies": the characters before "@", and the lengths.
ALIAS = re.compile(r"^[A-Za-z0-9'._!#^~-]+$")
# concept-sspr-policy.md, "Microsoft Entra password policies": letters, digits, these symbols, the blank.
SYMBOLS = set("@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ")
# The example row of Microsoft's template must not remain.
EXAMPLE_NAMES = {"Chris Green", "chris@contoso.com"}
FORMULA_START = ("=", "+", "-", "@")


def password_problems(password):
    problems = []
    if not 8 <= len(password) <= 256:
        problems.append(f"initial password has {len(password)} characters, not 8 to 256")
    if any(not (c.isascii() and (c.isalnum() or c in SYMBOLS)) for c in password):
        problems.append("initial password holds a character Microsoft Entra does not allow")
    kinds = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(c in SYMBOLS for c in password)])
    if kinds < 3:
        problems.append(f"initial password has {kinds} of the 4 kinds of characters, fewer than 3")
    if password.startswith(FORMULA_START):
        problems.append("initial password starts like a spreadsheet formula")
    return problems


def upn_problems(upn, domains):
    if upn != upn.strip():
        return ["white space around the user name"]
    if upn.count("@") != 1:
        return [f"user name {upn!r} does not have exactly one @"]
    alias, domain = upn.split("@")
    problems = []
    if not ALIAS.match(alias):
        problems.append(f"user name {upn!r} holds a character not allowed before @")
    if alias.startswith(".") or alias.endswith(".") or ".." in alias:
        problems.append(f"user name {upn!r} has a dot at the start or end of its alias, or two in a row")
    if len(alias) > 64 or len(domain) > 48 or len(upn) > 113:
        problems.append(f"user name {upn!r} is too long")
    if domains and domain.lower() not in domains:
        problems.append(f"user name {upn!r} is not on a verified domain {sorted(domains)}")
    return problems


def check_file(path, domains, seen):
    problems, users = [], 0
    raw = open(path, "rb").read()
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"{path}: not UTF-8: {e}"], 0
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    if lines[0] != VERSION:
        problems.append(f"{path}: line 1 is not exactly {VERSION!r}: {lines[0][:40]!r}")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2 or rows[1] != HEADER:
        problems.append(f"{path}: line 2 is not Microsoft's 17 headers: {rows[1] if len(rows) > 1 else None}")
        return problems, 0
    data = rows[2:]
    if not data:
        problems.append(f"{path}: no user rows")
    for n, r in enumerate(data, 3):
        where = f"{path}:{n}"
        if len(r) != 17:
            problems.append(f"{where}: {len(r)} fields, not 17")
            continue
        rec = dict(zip(HEADER, r))
        users += 1
        for column in REQUIRED:
            if not rec[column]:
                problems.append(f"{where}: {column} is empty")
        if rec[HEADER[0]] in EXAMPLE_NAMES or rec[HEADER[1]] in EXAMPLE_NAMES:
            problems.append(f"{where}: Microsoft's example row is still there")
        upn = rec[HEADER[1]]
        problems += [f"{where}: {p}" for p in upn_problems(upn, domains)]
        key = upn.lower()
        if key in seen:
            problems.append(f"{where}: user name {upn!r} also at {seen[key]}")
        seen[key] = where
        problems += [f"{where}: {p}" for p in password_problems(rec[HEADER[2]])]
        if rec[HEADER[3]] not in ("Yes", "No"):
            problems.append(f"{where}: Block sign in is {rec[HEADER[3]]!r}, not Yes or No")
        location = rec["Usage location [usageLocation]"]
        if location and not re.fullmatch(r"[A-Z]{2}", location):
            problems.append(f"{where}: usage location {location!r} is not a two-letter code")
        for column, value in rec.items():
            if column != HEADER[2] and value.startswith(("=", "@")):
                problems.append(f"{where}: {column} starts like a spreadsheet formula")
    return problems, users


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--domain", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    domains = {d.lower() for d in args.domain}
    problems, users, seen = [], 0, {}
    for path in args.files:
        found, count = check_file(path, domains, seen)
        problems += found
        users += count
    for p in problems:
        print(p)
    print(f"{users} users checked")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
