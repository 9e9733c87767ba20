#Requires -Version 7
<#
.SYNOPSIS
    Gives each salesperson their security roles in Dynamics 365 Sales with the Power Platform CLI
    (pac admin assign-user), from roles.csv beside this script.

.DESCRIPTION
    Written by bc2m365. The script is the same for every run: the users and roles are read from roles.csv
    and the settings from online-settings.json, so no name or address is ever part of the code that runs.
    A user appears in Dataverse only once it is enabled and licensed: run set-licences.ps1 first.
    Run it with -WhatIf first: it then changes nothing and logs what it would do.
    Every (user, role) gets a line in assign-roles-log.csv (Time,User,Step,Result,Detail), appended to
    the lines of earlier runs, which `bc2m365 verify --log` reads back.

.PARAMETER Environment
    The Dataverse environment (its URL or id); default: the environment in online-settings.json.
    The script refuses to run without one.

.PARAMETER DataPath
    The roles to assign (default: roles.csv beside this script).

.PARAMETER SettingsPath
    The settings (default: online-settings.json beside this script).

.PARAMETER LogPath
    The log to append to (default: assign-roles-log.csv beside this script).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $Environment,
    [string] $DataPath = (Join-Path $PSScriptRoot 'roles.csv'),
    [string] $SettingsPath = (Join-Path $PSScriptRoot 'online-settings.json'),
    [string] $LogPath = (Join-Path $PSScriptRoot 'assign-roles-log.csv')
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$Columns = @('UserPrincipalName', 'DisplayName', 'Role', 'BusinessUnit')

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

# The settings: the environment, and the roles' display names in the environment's language.
$Settings = Get-Content -LiteralPath $SettingsPath -Raw | ConvertFrom-Json
if (-not $Environment) { $Environment = $Settings.environment }
if (-not $Environment) {
    throw 'No environment: pass -Environment <URL or id>, or set environment in bc2m365.toml (or --environment) and run bc2m365 again.'
}
$RoleNames = @{}
if ($Settings.role_names) {
    foreach ($name in $Settings.role_names.PSObject.Properties) { $RoleNames[$name.Name] = [string] $name.Value }
}

if (-not (Get-Command pac -ErrorAction SilentlyContinue)) {
    throw 'The Power Platform CLI (pac) is not installed: dotnet tool install --global Microsoft.PowerApps.CLI.Tool'
}

# Runs pac with its arguments as an array, so a value is never read as code or as another option. What pac
# writes to stderr is kept as text for the log, not raised as an error.
function Invoke-Pac([string[]] $PacArguments) {
    $ErrorActionPreference = 'Continue'
    $output = (& pac @PacArguments 2>&1 | Out-String).Trim()
    return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
}

# Whether pac's answer says the user holds the role already: its words differ from version to version
# ("... already ... role", or Dataverse's own "duplicate key" for an association that exists).
function Test-RoleHeld([string] $PacOutput) {
    return ($PacOutput -match 'duplicate key|matching key values already exist') -or
        (($PacOutput -match 'already') -and ($PacOutput -match 'role'))
}

$Rows = @(Import-Csv -LiteralPath $DataPath -Encoding utf8)
if ($Rows.Count -gt 0) {
    $missing = $Columns | Where-Object { $_ -notin $Rows[0].PSObject.Properties.Name }
    if ($missing) { throw "$DataPath lacks the column(s) $($missing -join ', '): use the file bc2m365 wrote." }
}

foreach ($row in $Rows) {
    $upn = Remove-FormulaGuard $row.UserPrincipalName
    # The log names the role as bc2m365 planned it; pac is given its name in the environment's language.
    $role = Remove-FormulaGuard $row.Role
    $unit = Remove-FormulaGuard $row.BusinessUnit
    $shown = if ($RoleNames.ContainsKey($role)) { $RoleNames[$role] } else { $role }
    $argumentList = @('admin', 'assign-user', '--environment', $Environment, '--user', $upn, '--role', $shown)
    if ($unit) {
        $unitId = [guid]::Empty
        if (-not [guid]::TryParse($unit, [ref] $unitId)) {
            Write-Warning "${upn}: pac needs the business unit's id, not '$unit': set business_unit in bc2m365.toml to the id."
            Write-Step $upn 'role' 'failed' $role
            continue
        }
        $argumentList += @('--business-unit', $unit)
    }
    if (-not $PSCmdlet.ShouldProcess($upn, "assign role $shown")) {
        Write-Step $upn 'role' 'whatif' $role
        continue
    }
    $ran = Invoke-Pac $argumentList
    $output = $ran.Output
    if (Test-RoleHeld $output) {
        Write-Step $upn 'role' 'already' $role
    }
    elseif ($ran.ExitCode -eq 0) {
        Write-Step $upn 'role' 'done' $role
    }
    elseif ($output -match 'user' -and $output -match 'not found|does not exist|could not be found|could not find') {
        Write-Warning "${upn}: not in the environment yet: upload the import file and license the user first. pac said: $output"
        Write-Step $upn 'role' 'no-such-user' $role
    }
    else {
        Write-Warning "${upn}: pac said: $output"
        Write-Step $upn 'role' 'failed' $role
    }
}

Complete-Run
