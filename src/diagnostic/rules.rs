//! The rule catalogue: every check the tool makes, with a stable code, a severity and a fix.
//!
//! Codes never change meaning once released; scripts and people search for them.

use super::Severity;

/// One check: its stable code, how much it weighs, what it is about, and how to fix what it finds.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// A short name for lists.
    pub title: &'static str,
    /// One line that says how to fix what the rule finds.
    pub help: &'static str,
    /// The full explanation, with an example, printed by `bc2m365 explain CODE`.
    pub explanation: &'static str,
}

macro_rules! rules {
    ($($name:ident = $code:literal, $severity:ident, $title:literal, $help:literal, $explanation:literal;)*) => {
        $(
            pub static $name: Rule = Rule {
                code: $code,
                severity: Severity::$severity,
                title: $title,
                help: $help,
                explanation: $explanation,
            };
        )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    MISSING_COLUMN = "S001", Error, "a required column is missing",
        "name the column that holds it with --map, e.g. --map code=\"Salesperson\", or export the list again from the Salespeople/Purchasers page",
        "Every salesperson needs a Code (to couple it in Business Central) and a Name (Microsoft 365's Display \
Name), so an input without either column cannot be converted. Its rows are all rejected. Headers are \
recognised in every language Business Central ships (README.md, \"Languages\").\n\n\
Example: a file whose header is `Salesperson;Full name;Mail` has neither caption. Say which column holds \
which field: `--map code=\"Salesperson\" --map name=\"Full name\" --map email=\"Mail\"` (or the same in \
bc2m365.toml's [columns]); the finding names the line to type. Or export the list again from the \
Salespeople/Purchasers page.";

    DUPLICATE_COLUMN = "S002", Error, "two columns hold the same field",
        "delete one of the two columns, or rename it so it is no longer recognised",
        "Two headers name the same Business Central field, so it is not clear which one to use.\n\n\
Example: `Code,Name,Email,E-Mail` has Email twice (E-Mail is its older caption). Delete the column you do not \
want, or rename it to something that is not a salesperson field.";

    UNKNOWN_COLUMN = "S003", Warning, "a column is not a Business Central salesperson field",
        "nothing to do if the column is not needed; otherwise say which field it holds: --map FIELD=\"HEADER\" (e.g. --map email=\"Work Email\")",
        "The header names no field of table 13 \"Salesperson/Purchaser\" that bc2m365 reads, in any of Business \
Central's languages. The column is ignored: its values reach no output.\n\n\
Example: a column `Work Email` added by personalising the page. If it holds a field, name it: \
`--map email=\"Work Email\"` (or `email = \"Work Email\"` under [columns] in bc2m365.toml); otherwise the \
warning is only there so nothing is dropped without saying.";

    RAGGED_ROW = "S004", Error, "a row has more cells than the header",
        "a value probably holds the delimiter without quotes: quote it, or re-export the file",
        "The row has values beyond the last header column. In a CSV this nearly always means a value holds the \
delimiter without being quoted, so every value after it has moved one column to the right, and the row \
cannot be trusted.\n\n\
Example: `AV,Vermeulen, Annelies,+32 475 12 34 56` under `Code,Name,Phone No.`: the comma in the name splits it. \
Write `AV,\"Vermeulen, Annelies\",+32 475 12 34 56`, or export the file again from Excel, which quotes it.";

    SHORT_ROW = "S005", Warning, "a row has fewer cells than the header",
        "the missing cells are read as empty; check that the row was not cut short",
        "The row ends before the last header column. Its missing cells are read as empty, which is right when a \
program left trailing empty cells out, and wrong when the row was cut short.\n\n\
Example: `AV,Annelies Vermeulen` under `Code,Name,Email,Phone No.`: Email and Phone No. are read as empty.";

    EMPTY_ROW = "S006", Info, "an empty row is skipped",
        "nothing to do; delete the row to silence this",
        "A row between data rows has no value in any cell. It is skipped; it is not a salesperson. Empty rows \
after the last data row are not rows at all and are not reported.";

    INVALID_TEXT = "S007", Error, "a cell is not valid text in the file's encoding",
        "save the file again as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8), or name its encoding with --encoding",
        "The cell holds bytes that are not valid in the file's encoding, so its text cannot be known for sure. \
It is never silently replaced: the row is rejected.\n\n\
Example: a file saved by Excel as \"CSV\" (Windows-1252) with one line pasted from a UTF-8 file. Save the \
whole file again as \"CSV UTF-8\".";

    UNREADABLE_FILE = "S008", Error, "a file cannot be read",
        "the note says what to do where there is one; otherwise check the path, or export the file again",
        "The input cannot be opened or is not a file of the kind it claims to be: a workbook that is damaged or \
truncated, a CSV renamed to .xlsx, a file that does not exist. Nothing is read from it, and bc2m365 exits \
with code 2.\n\n\
Example: `salespeople.xlsx` copied from a mail attachment that was cut off. Export it again.";

    NO_DATA = "S009", Error, "a file holds no salespeople",
        "export the list again with its rows; an empty export or a header alone converts nothing",
        "The input is empty, or holds a header and no data rows. Converting it would write an import file \
with no users, which Microsoft refuses.\n\n\
Example: an export made with a filter that matched nobody.";

    AMBIGUOUS_COLUMN = "S010", Error, "a column header could name two fields",
        "name the column's field with --map FIELD=HEADER, or rename the column",
        "The header matches the captions of two different fields (in some UI language), so it is not clear \
which one the column holds. Name it explicitly: --map email=\"Mail\".";

    ENCODING_GUESSED = "S011", Info, "the file's encoding was guessed",
        "check the accented names in the output; if they are wrong, name the encoding with --encoding",
        "The file has no byte-order mark and is not valid UTF-8, so its encoding was detected from its bytes \
(Excel's \"CSV\" in Western European locales writes Windows-1252). The detection is right for ordinary \
names; if accented letters come out wrong, give the encoding with --encoding (e.g. --encoding windows-1252).";

    LEGACY_IMPORT_HEADER = "S012", Warning, "a Microsoft 365 import file has the legacy 15-column header",
        "nothing to do for convert: the file is re-written with the current 16-column header (Microsoft changed it in 2023)",
        "In February 2023 Microsoft added \"Alternate email address\" as the 11th column of the admin center's \
bulk-import file. Tenants that serve the new template reject the old 15-column header, and the reverse. \
`bc2m365 convert` reads a legacy file and writes it in the current format; `bc2m365 validate` reports the \
legacy header as an error, since the file would be refused as it is.\n\n\
Example: a header ending in `Fax,Address,City,...` without `Alternate email address`. Run \
`bc2m365 convert old.csv --domain contoso.com` to get the current format.";

    LEGACY_IMPORT_FILE = "S013", Error, "a Microsoft 365 import file has the legacy 15-column header",
        "convert it to the current format: bc2m365 convert FILE --domain DOMAIN writes it with all 16 columns",
        "In February 2023 Microsoft added \"Alternate email address\" as the 11th column of the admin center's \
bulk-import file. A tenant that serves the current template refuses a file with the old 15-column header, so \
`validate` reports it as an error. `bc2m365 convert old.csv --domain contoso.com` reads it, checks every row and \
writes it in the current 16-column format, keeping every value.";

    IMPORT_HEADER_SPELLING = "S016", Warning, "a Microsoft 365 import file's header is not spelt exactly as Microsoft's",
        "nothing to do for convert: the file is re-written with Microsoft's exact header",
        "The admin center accepts only its own header, byte for byte (\"Alternate email address\" with a lower-case \
e and a, for example). A header typed by hand that differs only in case or blanks is still read as an import \
file; `convert` writes Microsoft's exact header, and `validate` reports it as an error (S017).";

    IMPORT_HEADER_REFUSED = "S017", Error, "a Microsoft 365 import file's header would be refused",
        "correct the column's header to Microsoft's exact text, or let bc2m365 convert write the file",
        "The admin center refuses an import file whose header differs from its template, even in case. \
`bc2m365 convert FILE --domain DOMAIN` re-writes the file with the exact header.\n\n\
Example: `Alternate Email Address` must be `Alternate email address`.";

    PASSWORD_COLUMN_LEFT_OUT = "S018", Warning, "a password column was left out of every output",
        "nothing to do if the passwords are not wanted; for Microsoft Entra's file name the column: --map password=\"HEADER\" --target entra",
        "A column headed as passwords (Password, Initial password, Start password, Kennwort, Wachtwoord, Mot de \
passe, Contraseña and the like, in any case) is read only when `--map password=HEADER` names it. Any other such \
column is emptied in every row as it is read, so no password reaches the review, rejected.csv, the reports or \
an import file; the finding says so.\n\n\
Example: an export with a `Password` column converted for the admin center's import files. Under \
`--target entra` with no password column named, the same column is an error instead (S019).";

    PASSWORD_COLUMN_NOT_MAPPED = "S019", Error, "a password column is not read for Microsoft Entra's file",
        "name it: --map password=\"HEADER\", or delete the column to have every password generated",
        "Microsoft Entra's bulk-create file (`--target entra`) takes each user's initial password from the column \
named with `--map password=HEADER`. A column headed as passwords that `--map` does not name is read by \
nothing: its cells are emptied as each row is read and every user would get a generated password instead, \
which is rarely what the file meant. The run stops so the column is named or deleted.\n\n\
Example: `Code,Name,Password` converted with `--target entra`: add `--map password=\"Password\"`.";

    HEADER_CONTROL_CHARACTER = "S020", Error, "a header cell holds a control character",
        "retype the header cell named in Excel (or export the file again): it holds a character no caption has",
        "A header cell with a NUL, a line break's control code or another control character is no caption a \
person typed: it comes from a damaged file, a binary file read as text, or an export tool that wrote raw \
bytes. Read as if the character were not there, such a header could name a field it never meant, so the \
column is not read and the finding shows the character as a visible symbol.\n\n\
Example: a header `Na\\0me` (a NUL between a and m) is refused instead of being read as Name.";

    LIMIT_EXCEEDED = "S014", Error, "an input is over a safety limit",
        "if the file is what you expect, raise the limit with the flag the note names",
        "bc2m365 refuses inputs beyond its safety limits before doing the work they would cost, so a wrong or \
hostile file (a multi-gigabyte export, a \"zip bomb\" workbook) is refused in seconds and within bounded \
memory. The whole input is refused: nothing is written. Limits and their flags: file size 512 MiB \
(--max-input-size), a worksheet or the shared strings unpacked 1 GiB (--max-sheet-size), 2,000,000 data rows \
(--max-rows), 1,000 columns (--max-columns). Exit code 2.";

    UNCLOSED_QUOTE = "S015", Error, "a quoted value is never closed",
        "add the missing closing quote (\") on the row named, or remove the opening one",
        "In a CSV, a value that starts with a quote runs until the next quote. When that quote is missing, \
everything to the end of the file is read as one value and the rows after it disappear into it. The row \
where the value starts is rejected, and the report says how many lines it swallowed.\n\n\
Example: `AV,\"Vermeulen, Annelies,+32 475 12 34 56` (no closing quote after Annelies).";

    EMPTY_CODE = "F001", Error, "the salesperson Code is empty",
        "give the salesperson its Business Central code, or delete the row",
        "The Code is the salesperson's key in Business Central: the coupling to the Sales user is made on it. \
A row without a Code cannot be coupled, so it is rejected.";

    EMPTY_NAME = "F002", Error, "the salesperson Name is empty",
        "fill in the salesperson's full name: Microsoft 365 needs a display name",
        "Microsoft 365 requires a Display Name for every user, and bc2m365 takes it from the Name (and builds \
First Name, Last Name and, without an Email, the user name from it).";

    INVALID_EMAIL = "F003", Error, "the Email is not a valid e-mail address",
        "correct the address, or clear it so a user name is built from the name",
        "The Email is neither empty nor a valid address of the form name@domain.tld.\n\n\
Example: `tom.goossens@contoso` (no top-level domain), `jan.peeters@` (no domain) or `jan@[192.0.2.1]` (an IP \
address: no mailbox Microsoft 365 can use, not even as a recovery address). Correct it in Business Central, or \
clear it: a user name is then built from the name.";

    SEVERAL_EMAILS = "F004", Error, "the Email holds more than one address",
        "keep one address in Email; put a second one in Email 2",
        "A Microsoft 365 user name is one address. An Email cell with two addresses cannot become one.\n\n\
Example: `kevin.maes@contoso.com; k.maes@gmail.com`. Keep the first in Email and move the second to Email 2.";

    EMAIL_OTHER_DOMAIN = "F005", Warning, "the Email is not on a verified domain",
        "nothing to do if this is a private address (it becomes the alternate email); otherwise add its domain with --domain",
        "The Email's domain is not one of the tenant's verified domains given with --domain, so it cannot be the \
user name. It goes to \"Alternate email address\" and a user name is built from the name on the first domain. \
At the first synchronisation, Sales writes the new primary email into Business Central's Email.\n\n\
Example: `jan.peeters@gmail.com` with --domain contoso.com gives user name jan.peeters@contoso.com and \
alternate email jan.peeters@gmail.com. If the domain is the tenant's, add it: --domain contoso.be.";

    TOO_LONG_FOR_M365 = "F006", Error, "a value is longer than Microsoft 365 accepts",
        "shorten the value in Business Central, then export again",
        "Microsoft's import wizard limits every column: First Name, Last Name, Job Title, Department, phone \
numbers and Fax 64 characters; Display Name 256; Office Number, City, State or Province, Country or Region 128; \
Address 1023; ZIP or Postal Code 40. A longer value fails the upload, so the row is rejected rather than cut.";

    FORMULA_LIKE = "F007", Error, "a value starts like a spreadsheet formula",
        "remove the leading =, +, - or @ (Excel would run it as a formula); it is refused, never altered",
        "A value that starts with =, +, - or @ is run as a formula when the file is opened in a spreadsheet \
(\"CSV injection\"). bc2m365 never writes such a value and never changes it silently: the row is rejected. A \
phone number such as +32 475 12 34 56 is not a formula.\n\n\
Example: a Name `=HYPERLINK(\"http://example.com\",\"Hans\")`.";

    CONTROL_CHARACTER = "F008", Error, "a value holds a control character",
        "remove the line break, tab or other invisible character from the cell",
        "Line breaks, tabs and other control characters break import files and are invisible in most views, so \
a value holding one is refused, never altered. So is every character that shows as nothing (Unicode's \
Default_Ignorable_Code_Point: zero-width and bidirectional controls, Hangul fillers, variation selectors, the \
tag block...) and the blank Braille pattern: with one, two names look alike, or a name looks empty.\n\n\
Example: a Job Title typed in Excel with Alt+Enter: `Sales` / `Team B` on two lines.";

    INVALID_BOOLEAN = "F009", Error, "a Yes/No column holds something else",
        "write Yes or No (or TRUE/FALSE, 1/0) in the cell",
        "Blocked and Coupled to Dataverse decide whether a salesperson gets an account, so a value that is neither \
yes nor no cannot be guessed. Accepted: Yes/No in every language Business Central ships (Ja/Nee, Oui/Non, \
Ja/Nein, Sí/No, Sì/No, Ja/Nej, Ja/Nei, Kyllä/Ei, Já/Nei, Ano/Ne, Да/Нет), Excel's TRUE/FALSE in those \
languages (WAAR/ONWAAR, VRAI/FAUX, WAHR/FALSCH, VERDADERO/FALSO...), 1/0, Excel booleans, and empty (No). \
A Privacy Blocked value that cannot be read is F015 instead: the salesperson is treated as privacy blocked.";

    TOO_LONG_FOR_BC = "F010", Warning, "a value is longer than Business Central allows",
        "the export was edited by hand: check the value, Business Central would not hold it",
        "Business Central holds Code 20 characters, Name 50, Email 80, Phone No. 30, Job Title 30. A longer \
value did not come from Business Central, and the synchronisation could not write it back.";

    PHONE_CHARACTERS = "F011", Warning, "a phone number holds other characters than a phone number's",
        "keep digits, spaces and + ( ) - . / in Phone No.; move extensions or notes elsewhere",
        "Phone No. becomes the user's Mobile Phone, which Sales synchronises back into Business Central. Letters \
or other characters there are usually a note typed into the wrong field.\n\n\
Example: `0475 12 34 56 (not after 6pm)`.";

    INVALID_NUMBER = "F012", Warning, "a number column holds something else",
        "write a number such as 2.5 or 2,5 in the cell, or leave it empty",
        "Commission % is a number in Business Central. Decimal commas (2,5) and points (2.5) are both read; \
anything else is reported and the value is not carried into the manifest.";

    UNKNOWN_COUNTRY = "F013", Error, "the country is not an ISO 3166 two-letter code",
        "write the ISO two-letter code (BE, NL, DE...), or in a Microsoft 365 import file the English name (Belgium)",
        "The country decides the usage location (licences depend on it) and which import file a user goes to, \
so it must be an ISO 3166 alpha-2 code as Business Central stores it.\n\n\
Example: `UK` (the code is GB) or `NLD` (three letters).";

    CELL_TOO_LONG = "F014", Error, "a cell is longer than the cell limit",
        "shorten the value, or raise the limit with --max-cell-chars if it is what you expect",
        "No salesperson field needs more than a few hundred characters, and Excel holds at most 32,767 in a cell. \
A longer cell is usually a broken file (an unclosed quote, binary data), so its row is rejected rather than \
cut. The limit is 32,767 characters (--max-cell-chars). In a workbook, such a cell stops the reading \
instead (S014, naming its sheet and cell), before its text is copied: a workbook holds no longer cell.";

    PRIVACY_UNREADABLE = "F015", Warning, "a Privacy Blocked value cannot be read, so the salesperson is treated as privacy blocked",
        "write Yes or No in Privacy Blocked; until then the salesperson is treated as privacy blocked and nothing of theirs is exported",
        "Privacy Blocked = Yes means the person asked not to be processed. A value that is neither yes nor no \
(in any of Business Central's languages) cannot be taken as No, so the salesperson is treated as privacy \
blocked: skipped, and nothing but their Code reaches any output. Write Yes or No in the cell and convert again.\n\n\
Example: Privacy Blocked `Oui?` or `x`.";

    NAME_WITHOUT_LETTER = "F016", Error, "the Name has no letter",
        "put the salesperson's full name in Name; a number or a symbol there is not a person",
        "A person's name has letters. A Name of digits or symbols only is a count, a total, an amount or a value \
from a shifted column, never a display name, so the row is rejected rather than turned into a user such as \
`1234@contoso.com`. An Excel error value (`#N/A`, `#DIV/0!`, `#NV`, `#WERT!`...) and a placeholder (`N/A`, \
`none`, `TBD`, `unknown`, `xxx`...) count as no name too, and so does a boolean (`TRUE`, `FALSE`: a \
boolean cell of a workbook, or `true`/`false` in JSON), and a date serial or a number (`45292`, `12.5`).\n\n\
Example: a Name `4` (an Excel total row's count), `1234`, `TRUE` or `#N/A`.";

    PHONE_STORED_AS_NUMBER = "F017", Warning, "a phone number was stored by Excel as a number",
        "check the number in the output: a leading 0 or + was lost; format the column as Text in Excel and type it again",
        "Excel turns a phone number typed without spaces into a number, and drops its leading 0 or +: \
`0475998877` is kept as 475998877. The value is written as it is, so check it.\n\n\
Example: a workbook cell holding the number 475998877 in Phone No.";

    PASSWORD_REFUSED = "F018", Error, "an initial password breaks Microsoft Entra's rules",
        "give a password of 8 to 256 ASCII characters with three of lower case, upper case, digits and symbols, or empty the cell for a generated one",
        "A column named with `--map password=HEADER` gives each user's initial password for Microsoft Entra's \
bulk-create file (`--target entra`). Microsoft Entra takes 8 to 256 characters, ASCII only (letters, digits, \
symbols and the blank), with at least three of the four kinds: lower case, upper case, digits, symbols. The \
file is opened in spreadsheets, so a password that starts with = + - @ or an apostrophe, or starts or ends \
with a blank, is refused too: it would not reach Microsoft Entra unchanged. The finding names the cell, never \
the password; the row is rejected, and rejected.csv holds the row with the password left out. An empty cell \
gets a generated password. The tenant's banned-password list may refuse more than this check can know.\n\n\
Example: `welcome1` has two kinds (lower case, digits) and is refused; `Welcome-2026` has three.";

    EMAIL_LOOKALIKE_DOMAIN = "F019", Error, "the Email is on a look-alike of a verified domain",
        "correct the address in Business Central: its domain is written with characters that only look like the verified one's",
        "The Email's domain is not a verified domain, but reads as one: it has the same Unicode confusables \
skeleton (UTS #39), as when a Cyrillic letter stands for a Latin one. Such an address would become the user's \
recovery address and pass for the company's own, so the row is rejected.\n\n\
Example: `anna.peeters@cr\u{043e}nus.be` (with a Cyrillic \u{043e}) when cronus.be is verified.";

    INVALID_USER_NAME = "U001", Error, "the user name breaks Microsoft's rules",
        "user names may hold A-Z a-z 0-9 ' . - _ ! # ^ ~ before \"@\", with no leading, trailing or doubled dot",
        "Microsoft accepts only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the \"@\" of a user name, no dot at its start \
or end and no two dots in a row. An Email on a verified domain becomes the user name as it is, so it must meet \
these rules.\n\n\
Example: `sofie.wouters+sales@contoso.com` (the \"+\"), `zoë@contoso.com` (the \"ë\").";

    USER_NAME_TOO_LONG = "U002", Error, "the user name is too long",
        "Microsoft accepts 50 characters before \"@\", 48 after it and 79 in all: use a shorter address",
        "The admin center's import accepts at most 50 characters before the \"@\", 48 after it, and 79 in all.";

    NO_USER_NAME = "U003", Error, "no user name can be built from the name",
        "give the salesperson an Email on a verified domain, or a name with letters",
        "Without a usable Email, the user name is built from the name; a name of only punctuation leaves \
nothing to build from.\n\n\
Example: a Name `---`.";

    USER_NAME_NUMBERED = "U004", Warning, "the user name was taken, so a number was added",
        "nothing to do if these are two people; if it is one person twice, delete the duplicate row",
        "A built user name was already taken by another salesperson (from their Email, or built before), so a \
number was added, in input order: jan.peeters2, jan.peeters3...";

    USER_NAME_OTHER_DOMAIN = "U005", Error, "the User Name of an import file is not on a verified domain",
        "correct the User Name, or add its domain with --domain if the tenant has verified it",
        "A Microsoft 365 import file names each user's User Name. Microsoft accepts only the tenant's verified \
domains after \"@\", so a User Name on another domain fails the upload.\n\n\
Example: `chris@fabrikam.com` with --domain contoso.com.";

    DUPLICATE_CODE = "D001", Error, "the salesperson Code appears twice",
        "codes are unique in Business Central: delete the duplicate row or fix its code",
        "The Code is Business Central's key for a salesperson (compared without case, as Business Central stores \
codes in upper case). The later row is rejected; the first stays valid, and the note points at it.";

    DUPLICATE_USER_NAME = "D002", Error, "two salespeople have the same user name",
        "each Microsoft 365 user needs their own address: correct one of the two Emails",
        "User names are unique in a tenant, compared without case. The later row is rejected; the first stays \
valid, and the note points at it.";

    DUPLICATE_EMAIL = "D003", Warning, "two salespeople share an e-mail address",
        "check whether the two rows are one person; give each salesperson their own address",
        "Two salespeople have the same private (non-tenant) address, which often means one person entered twice.";

    DUPLICATE_NAME = "D004", Warning, "two salespeople have the same name",
        "nothing to do if these are two people; if it is one person twice, delete one row",
        "Two salespeople have the same Name. That happens (two Jan Peeters), and it also happens when one person \
was entered twice under two codes.";

    NAME_LOOKS_ALIKE = "D005", Warning, "two salespeople's names look alike but differ",
        "check both rows: write each name in one alphabet, so that no two people show as the same name",
        "Two Names read as the same (they have the same Unicode confusables skeleton, UTS #39) but are written \
with different characters, one of them with a letter of another alphabet that looks like a Latin one. Two \
users would show with the same display name, one of them a possible impersonation. Names that differ only in \
the Latin letters that look alike (rn and m) are not reported.\n\n\
Example: `Anna Peeters` and `\u{0410}nna Peeters`, whose first letter is the Cyrillic \u{0410}.";

    SKIPPED_BLOCKED = "R001", Info, "a blocked salesperson is skipped",
        "nothing to do; unblock the salesperson in Business Central to give them an account",
        "A salesperson with Blocked = Yes gets no Microsoft 365 user.";

    SKIPPED_PRIVACY_BLOCKED = "R002", Info, "a privacy-blocked salesperson is skipped",
        "nothing to do: a person who asked not to be processed is never exported",
        "A salesperson with Privacy Blocked = Yes asked not to be processed. They get no user, and their name is \
not carried into any output.";

    SKIPPED_COUPLED = "R003", Info, "a salesperson already coupled to a Sales user gets no new user",
        "nothing to do: they already have a Dynamics 365 Sales user and are listed as coupled",
        "Coupled to Dataverse = Yes means the salesperson is already coupled to a Sales user, who has a Microsoft \
365 account: importing them again would create a second one. The manifest lists them with status `coupled`.";

    EXISTING_USER = "R004", Info, "a salesperson's user already exists and is not imported again",
        "nothing to do: the user keeps their account; give them the licence, roles and coupling the manifest lists",
        "The tenant's user list given with --existing (an admin center \"Active users\" export or an Entra \
\"Download users\" CSV) already holds this salesperson's user: matched on the Email, or on the built user name \
with the same display name. The user is not imported again, but stays in the manifest with status `existing`, \
so the licence, the Salesperson role and the coupling still happen.";

    SKIPPED_TOTAL_ROW = "R005", Warning, "a total or subtotal row is skipped",
        "nothing to do if it is a total; if it is a salesperson, give it its Code and Name",
        "Excel tables and reports add total and subtotal rows (\"Total\", \"Totaal\", \"Summe\", \"Ergebnis\", \
\"Totale\", \"I alt\", \"Summa\", \"Yhteensä\", \"Celkem\", \"Samtals\"... or a SUBTOTAL formula). Such a \
row is no person: it is skipped, never turned into a user.\n\n\
Example: `Total | 4 | 6.5` under the salespeople of an Excel table with its total row on.";

    SKIPPED_HEADER_ROW = "R006", Warning, "a header repeated inside the data is skipped",
        "nothing to do: the rows after it are read as salespeople; delete the row to silence this",
        "A row whose cells are the column headers again, as when two exports are pasted one under the other. It \
is skipped; the rows after it are read as salespeople.";

    SKIPPED_NOTE_ROW = "R007", Warning, "a note or title row is skipped",
        "nothing to do if it is a note; if it is a salesperson, give it its Code and Name",
        "A row with one value that is no salesperson's, such as a title, a note or an \"exported on\" line above \
or under the table. It is skipped.\n\n\
Example: `Exported from Business Central on 02/12/2026` in the first column, the other cells empty.";

    SKIPPED_OTHER_TABLE = "R008", Warning, "a second table under the salespeople is not read",
        "move the second table to its own sheet or file; if it holds salespeople, give them Business Central's columns",
        "After an empty row, a row that looks like the header of another table (text in its Code cell that no \
Business Central code has, such as lower-case letters, above codes that are all upper case) starts a second \
block. Its header and its rows, up to the next empty row, are skipped, each with this finding.";

    RERUN_NEEDS_CONTEXT = "R009", Error, "a row of rejected.csv was rejected for a reason that depends on other rows",
        "convert it with the first run's manifest: add --existing <first run's out>/manifest.json",
        "A row of bc2m365's own rejected.csv that the first run rejected because of another row (a duplicate \
Code, user name or e-mail) cannot be judged alone: the other row is not in rejected.csv, so it would pass. \
Give the first run's manifest.json with --existing: its users and codes are checked against the fixed rows, \
and the row is written only when it no longer clashes.";

    SAME_PERSON = "P001", Info, "one person is a salesperson in several companies: one user, coupled in each",
        "nothing to do: the person gets one user, and each company's salesperson is coupled to it",
        "Several Business Central companies can be connected to one Dataverse environment, and one person often \
sells for more than one of them, with the same Code or another. Two salesperson records of different companies \
with the same e-mail (compared without case or accents), or with the same name that builds the same user name, \
are one person: one Microsoft 365 user and one Sales user, coupled once in each company. The manifest lists the \
person once under `people`, with every (company, Code) it holds; the later record has status `same-person`. In \
one company, two records with one e-mail remain a duplicate (D002, D003).\n\n\
Example: AP in CRONUS BE and ANNA in CRONUS NL, both anna.peeters@cronus.com.";

    PERSON_DIFFERS = "P002", Warning, "the companies disagree about one person",
        "make the Name (or Job Title) the same in both companies, or check that these really are one person",
        "One person's salesperson records in two companies hold another Name or Job Title. The user gets the \
values of the first record (the first input on the command line); the warning names both. After coupling, \
the synchronisation writes the Sales user's name into every company's salesperson.\n\n\
Example: \"Anna Peeters\" in CRONUS BE and \"Anna Peeters-Maes\" in CRONUS NL with the same e-mail.";

    ADDRESS_OF_ANOTHER_USER = "E001", Error, "the user name is another existing user's address",
        "give the salesperson their own address, or their existing user's: an address is one mailbox's only",
        "The user name bc2m365 would give the salesperson (their Email, or the one built from their Name) is an \
address an existing user already has: their primary mail, a proxy address (SMTP: or smtp:) or another mail in \
the --existing export. The names differ, so it is not this salesperson's user; creating it would fail, or \
take another person's mail. When the names agree, that user is the salesperson's (R004).\n\n\
Example: the salesperson Alicia Berg with anna@contoso.com, which is Anna Peeters' proxy address.";

    MAYBE_EXISTING_USER = "E002", Warning, "an existing user has the salesperson's name but none of their addresses",
        "check whether that user is this salesperson; if so, put their user name in the salesperson's Email",
        "No existing user has the salesperson's Email or built user name, but one has the same display name. \
It is likely the same person with another address; a new user would be a second account for them. The row \
is planned as a new user, with this warning, so that someone decides.\n\n\
Example: the salesperson Jan Peeters and the existing user jpeeters@contoso.com, \"Jan Peeters\".";

    HAS_SALES_LICENCE = "E003", Info, "the existing user already holds a Dynamics 365 Sales licence",
        "nothing to do: no second licence is planned for them",
        "The --existing export lists the user's licences (an admin center export's Licenses, a Graph export's \
AssignedLicenses). One of them already includes Dynamics 365 Sales, per Microsoft's licensing reference \
(Sales Enterprise, Premium, Professional, the Customer Engagement Plan, Relationship Sales, the attach, \
government and trial offers...). The manifest gives that licence as held and plans no other.";

    UNKNOWN_LICENCE = "A007", Warning, "the licence is not a Dynamics 365 Sales licence",
        "check the skuPartNumber: DYN365_ENTERPRISE_SALES, DYN365_ENTERPRISE_PLAN1, DYN365_SALES_PREMIUM or D365_SALES_PRO",
        "The manifest, role-assignments.csv and next-steps.txt tell people which licence to assign, by Microsoft's \
skuPartNumber. bc2m365 knows the Sales licences of Microsoft's licensing reference: Dynamics 365 for Sales \
Enterprise (DYN365_ENTERPRISE_SALES, the default), Dynamics 365 Plan 1 Enterprise (DYN365_ENTERPRISE_PLAN1, \
the \"Customer Engagement Plan\" of the Business Central documentation), Sales Premium (DYN365_SALES_PREMIUM) \
and Sales Professional (D365_SALES_PRO). Another licence may be right for your tenant; a typo is more likely.\n\n\
Example: --licence DYN365_ENTERPRISE_SALE (the final S missing).";

    SALESPERSON_IS_INTEGRATION_USER = "A001", Error, "a salesperson is the integration user",
        "changes made by the integration user are never synchronised: give the salesperson their own address, or name another --integration-user",
        "Business Central and Sales never synchronise changes made by the integration user (that prevents endless \
loops). A salesperson who is that account would have none of their work synchronised, so the row is rejected.

\
Example: --integration-user sync@contoso.com and a salesperson whose Email is sync@contoso.com.";

    SALESPERSON_IS_ADMIN = "A002", Error, "a salesperson is the administrator",
        "the administrator must not be used for synchronisation: give the salesperson their own address, or name another --admin",
        "The documentation says the administrator account must not be used for synchronisation, and a coupled \
salesperson is synchronised. The row is rejected.

\
Example: --admin admin@contoso.com and a salesperson whose Email is admin@contoso.com.";

    ADMIN_IS_INTEGRATION_USER = "A003", Error, "one account is both the administrator and the integration user",
        "create a dedicated integration user: the administrator must not be used for synchronisation",
        "The integration needs a dedicated account for synchronisation, separate from the administrator who sets \
the integration up. Using one account for both disturbs the synchronisation.";

    NO_INTEGRATION_USER = "A004", Warning, "no integration user is named (on-premises)",
        "name the dedicated synchronisation account with --integration-user UPN (or integration_user in bc2m365.toml)",
        "Business Central on-premises (2019 release wave 1) and Dynamics NAV 2018 synchronise through a dedicated, \
licensed, non-interactive integration user. Without its name, bc2m365 cannot check that no salesperson is that \
account, and the manifest and next-steps.txt cannot include its licence and roles. Business Central online \
(--deployment online, the default) needs none: the Dataverse connection setup creates its own application user.";

    ADMIN_ROLES_INCOMPLETE = "A005", Warning, "the administrator lacks System Customizer or a non-administrative role",
        "give the administrator System Customizer and at least one non-administrative role such as Sales Manager ([administrator] roles)",
        "The documentation asks for the administrator to hold the System Customizer role and at least one \
non-administrative role such as Sales Manager in Sales.";

    INTEGRATION_USER_WITHOUT_ROLE = "A006", Error, "the integration user has no security role",
        "give the integration user at least one security role ([integration_user] roles), or it cannot sign in to Sales",
        "The integration user must be able to sign in to Sales: it needs a licence and at least one security role. \
Business Central assigns it the Integration roles once connected.";
}

/// The rule with this code, if there is one (codes compare case-insensitively).
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.code), "{} twice", rule.code);
            assert_eq!(rule.code.len(), 4, "{}", rule.code);
            assert!(!rule.help.is_empty() && !rule.title.is_empty());
        }
    }

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("d001").map(|r| r.code), Some("D001"));
        assert!(find("X999").is_none());
    }
}
