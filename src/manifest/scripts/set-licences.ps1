#Requires -Version 7
<#
.SYNOPSIS
    Sets each salesperson's usage location and assigns the Dynamics 365 Sales licence (or adds the user to
    the licence group), from licences.csv beside this script.

.DESCRIPTION
    Written by bc2m365. The script is the same for every run: the users are read from licences.csv and the
    settings from online-settings.json, so no name or address is ever part of the code that runs.
    Run it with -WhatIf first: it then changes nothing and logs what it would do.
    Every user gets a line in set-licences-log.csv (Time,User,Step,Result,Detail), appended to the lines
    of earlier runs, which `bc2m365 verify --log` reads back.

.PARAMETER DataPath
    The users to license (default: licences.csv beside this script).

.PARAMETER SettingsPath
    The settings (default: online-settings.json beside this script).

.PARAMETER LogPath
    The log to append to (default: set-licences-log.csv beside this script).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $DataPath = (Join-Path $PSScriptRoot 'licences.csv'),
    [string] $SettingsPath = (Join-Path $PSScriptRoot 'online-settings.json'),
    [string] $LogPath = (Join-Path $PSScriptRoot 'set-licences-log.csv')
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$Columns = @('UserPrincipalName', 'DisplayName', 'UsageLocation', 'SkuPartNumber')

# bc2m365 writes a cell that a spreadsheet would run as a formula (=, +, -, @) with a leading apostrophe.
# This undoes it exactly as bc2m365 reads its own files back: the apostrophe goes only when what follows
# would itself have been guarded, so a name such as "'t Hart" keeps its apostrophe.
function Test-FormulaGuard([string] $Value) {
    $text = $Value.TrimStart()
    if ($text.Length -eq 0) { return $false }
    $phone = ($text -match '^[0-9+\-() ./]+$') -and ($text -match '[0-9]') -and
        -not ($text.Substring(1) -match '[+\-]')
    $formula = switch ($text[0]) {
        '=' { $true }
        '@' { $true }
        '+' { -not $phone }
        '-' { -not $phone }
        default { $false }
    }
    return $formula -or ((Remove-FormulaGuard $text) -cne $text)
}

function Remove-FormulaGuard([string] $Value) {
    if ($Value.StartsWith("'") -and (Test-FormulaGuard $Value.Substring(1))) {
        return $Value.Substring(1)
    }
    return $Value
}

$Log = [System.Collections.Generic.List[object]]::new()
function Write-Step([string] $UserName, [string] $StepName, [string] $Outcome, [string] $Detail) {
    $Log.Add([pscustomobject]@{
            Time   = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
            User   = $UserName
            Step   = $StepName
            Result = $Outcome
            Detail = $Detail
        })
    Write-Host "$UserName  $StepName  $Outcome  $Detail"
}

# The log's header. A log that is new or empty gets it first: Export-Csv writes not even a header when there is
# nothing to log, and a log is read back by its header.
$LogHeader = '"Time","User","Step","Result","Detail"'

# The log is appended to, so that a run again (or a -WhatIf run after a real one) keeps what the earlier
# runs did. It is written under -WhatIf too: it is what -WhatIf is run for.
function Save-Log {
    $exists = Test-Path -LiteralPath $LogPath -PathType Leaf
    if (-not $exists -or (Get-Item -LiteralPath $LogPath).Length -eq 0) {
        Set-Content -LiteralPath $LogPath -Value $LogHeader -Encoding utf8 -WhatIf:$false
    }
    if ($Log.Count -gt 0) {
        $Log | Export-Csv -LiteralPath $LogPath -Append -NoTypeInformation -Encoding utf8 -UseQuotes Always -WhatIf:$false
    }
    Write-Host "Log appended to $LogPath"
}

# Saves the log, then ends the run with exit code 1 when a step failed, found no user or lacked licences
# (the log says which), so that whoever runs it, a person or a pipeline, sees it; else the code is 0.
function Complete-Run {
    Save-Log
    $unsuccessful = @($Log | Where-Object { $_.Result -in @('failed', 'no-such-user', 'not-enough-licences') })
    if ($unsuccessful.Count -gt 0) {
        Write-Warning "$($unsuccessful.Count) of $($Log.Count) steps did not succeed: see $LogPath, fix what it says, then run again."
        exit 1
    }
}

# The settings: the licence group, if the licence is given through a group.
$Settings = Get-Content -LiteralPath $SettingsPath -Raw | ConvertFrom-Json
$LicenceGroup = $Settings.licence_group

$Rows = @(Import-Csv -LiteralPath $DataPath -Encoding utf8)
if ($Rows.Count -gt 0) {
    $missing = $Columns | Where-Object { $_ -notin $Rows[0].PSObject.Properties.Name }
    if ($missing) { throw "$DataPath lacks the column(s) $($missing -join ', '): use the file bc2m365 wrote." }
}
$Users = foreach ($row in $Rows) {
    [pscustomobject]@{
        Upn      = Remove-FormulaGuard $row.UserPrincipalName
        Location = Remove-FormulaGuard $row.UsageLocation
        Sku      = Remove-FormulaGuard $row.SkuPartNumber
    }
}
if (-not $Users) {
    Write-Host "No users in ${DataPath}: nothing to do."
    Save-Log
    return
}

# Least privilege: updating the usage location needs User.ReadWrite.All and reading the tenant's licences
# Organization.Read.All; LicenseAssignment.ReadWrite.All alone would cover the licence but not the usage
# location. Group-based licensing adds members to a group: GroupMember.ReadWrite.All.
$Scopes = @('User.ReadWrite.All', 'Organization.Read.All')
if ($LicenceGroup) { $Scopes += 'GroupMember.ReadWrite.All' }
Connect-MgGraph -Scopes $Scopes -NoWelcome

$SubscribedSkus = @(Get-MgSubscribedSku -All)

# Each user as found in the tenant, with the licences it holds: looked up once, before anything changes.
$InTenant = @{}
foreach ($user in $Users) {
    try {
        $InTenant[$user.Upn] = Get-MgUser -UserId $user.Upn -Property 'id,userPrincipalName,usageLocation'
    }
    catch {
        # Only a user that is not there is "no such user": any other failure (sign-in, throttling) stops.
        if ("$_" -notmatch 'Request_ResourceNotFound|does not exist') { throw }
        $InTenant[$user.Upn] = $null
    }
}

# The licences each user holds, read once per user.
$Held = @{}
function Test-HoldsSku($Account, [string] $WantedSkuId) {
    if (-not $Held.ContainsKey($Account.Id)) {
        $Held[$Account.Id] = @(Get-MgUserLicenseDetail -UserId $Account.Id | ForEach-Object SkuId)
    }
    return $WantedSkuId -in $Held[$Account.Id]
}

# The licence group's members, read once.
$GroupMembers = @{}
if ($LicenceGroup) {
    foreach ($member in @(Get-MgGroupMember -GroupId $LicenceGroup -All)) { $GroupMembers[$member.Id] = $true }
}

# Whether a user has the usage location a licence needs: one planned, the user's own, or (for a group's
# member) the tenant's. A user without one is logged failed below, and needs no unit.
function Test-HasUsageLocation($Wanted, $Account) {
    return [bool] ($Wanted.Location -or $Account.UsageLocation -or $LicenceGroup)
}

# Enough free units of each licence for every user that still needs it and can get it, checked before any
# is assigned.
$SkuIds = @{}
foreach ($sku in @($Users.Sku | Sort-Object -Unique)) {
    $subscribed = $SubscribedSkus | Where-Object SkuPartNumber -EQ $sku
    if (-not $subscribed) {
        throw "The tenant has no licence $sku (Get-MgSubscribedSku): buy it, or run bc2m365 again with the licence the tenant has."
    }
    $SkuIds[$sku] = $subscribed.SkuId
    $free = $subscribed.PrepaidUnits.Enabled - $subscribed.ConsumedUnits
    $needing = @($Users | Where-Object {
            $tenantUser = $InTenant[$_.Upn]
            $_.Sku -eq $sku -and $tenantUser -and (Test-HasUsageLocation $_ $tenantUser) -and
            -not (Test-HoldsSku $tenantUser $subscribed.SkuId) -and
            -not ($LicenceGroup -and $GroupMembers.ContainsKey($tenantUser.Id))
        })
    # With group-based licensing the group assigns the licence, so its units must be free as well.
    if ($needing.Count -gt $free) {
        $step = if ($LicenceGroup) { 'group-member' } else { 'licence' }
        foreach ($user in $needing) {
            Write-Step $user.Upn $step 'not-enough-licences' $sku
        }
        Save-Log
        throw "Licence ${sku}: $($needing.Count) users need it and $free are free. Buy more, then run again; nothing was assigned."
    }
}

function Add-GroupMember {
    [CmdletBinding(SupportsShouldProcess)]
    param($Account, $Wanted)
    try {
        if ($GroupMembers.ContainsKey($Account.Id)) {
            Write-Step $Wanted.Upn 'group-member' 'already' $LicenceGroup
        }
        elseif ($PSCmdlet.ShouldProcess($Wanted.Upn, "add to group $LicenceGroup")) {
            New-MgGroupMember -GroupId $LicenceGroup -DirectoryObjectId $Account.Id
            Write-Step $Wanted.Upn 'group-member' 'done' $LicenceGroup
        }
        else {
            Write-Step $Wanted.Upn 'group-member' 'whatif' $LicenceGroup
        }
    }
    catch {
        Write-Step $Wanted.Upn 'group-member' 'failed' $_.Exception.Message
    }
}

function Add-Licence {
    [CmdletBinding(SupportsShouldProcess)]
    param($Account, $Wanted)
    $skuId = $SkuIds[$Wanted.Sku]
    try {
        if (Test-HoldsSku $Account $skuId) {
            Write-Step $Wanted.Upn 'licence' 'already' $Wanted.Sku
        }
        elseif ($PSCmdlet.ShouldProcess($Wanted.Upn, "assign licence $($Wanted.Sku)")) {
            # assignLicense with both lists in the body: Set-MgUserLicense of Graph PowerShell 2.26 and 2.27
            # sends neither and fails ("One or more parameters of the operation 'assignLicense' are missing").
            $body = @{
                addLicenses    = @(@{ skuId = $skuId; disabledPlans = @() })
                removeLicenses = @()
            }
            $uri = "/v1.0/users/$($Account.Id)/assignLicense"
            Invoke-MgGraphRequest -Method POST -Uri $uri -Body ($body | ConvertTo-Json -Depth 4) -ContentType 'application/json' | Out-Null
            Write-Step $Wanted.Upn 'licence' 'done' $Wanted.Sku
        }
        else {
            Write-Step $Wanted.Upn 'licence' 'whatif' $Wanted.Sku
        }
    }
    catch {
        Write-Warning "$($Wanted.Upn): $($_.Exception.Message)"
        Write-Step $Wanted.Upn 'licence' 'failed' $Wanted.Sku
    }
}

foreach ($user in $Users) {
    $tenantUser = $InTenant[$user.Upn]
    if (-not $tenantUser) {
        Write-Step $user.Upn 'usage-location' 'no-such-user' 'not created yet: upload the import file first'
        continue
    }
    try {
        if (-not $user.Location) {
            # No country was known for this user: the licence needs a usage location; a group's member
            # without one inherits the tenant's.
            if ($tenantUser.UsageLocation) {
                Write-Step $user.Upn 'usage-location' 'already' $tenantUser.UsageLocation
            }
            elseif ($LicenceGroup) {
                Write-Step $user.Upn 'usage-location' 'already' "none set: the tenant's usage location applies"
            }
            else {
                Write-Step $user.Upn 'usage-location' 'failed' 'no usage location known: fill in UsageLocation in licences.csv, then run again'
                continue
            }
        }
        elseif ($tenantUser.UsageLocation -ne $user.Location) {
            if ($PSCmdlet.ShouldProcess($user.Upn, "set usage location $($user.Location)")) {
                Update-MgUser -UserId $tenantUser.Id -UsageLocation $user.Location
                Write-Step $user.Upn 'usage-location' 'done' $user.Location
            }
            else {
                Write-Step $user.Upn 'usage-location' 'whatif' $user.Location
            }
        }
        else {
            Write-Step $user.Upn 'usage-location' 'already' $user.Location
        }
    }
    catch {
        Write-Step $user.Upn 'usage-location' 'failed' $_.Exception.Message
        continue
    }
    if ($LicenceGroup) {
        Add-GroupMember $tenantUser $user
    }
    else {
        Add-Licence $tenantUser $user
    }
}

Complete-Run
