
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'usersctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'usersctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'usersctl' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Show, create, change or delete one user')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'List users, and bulk operations')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Groups of users: create, show, rename, delete, and their members')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the database''s settings (shared by every process on it)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit trail (every change and login: who, from where, when), or verify it')
            [CompletionResult]::new('authenticate', 'authenticate', [CompletionResultType]::ParameterValue, 'Check a password and print a token and its expiry')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP interface on the same database')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that records and indexes agree and every hash parses')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;user' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one user, named by id, username or email')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one user: to the recycle bin, whence `user restore` brings it back')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Remove a deleted user from the recycle bin for good (every one USER names)')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Forget the failed logins a running server counted against the user''s names')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;user;get' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;create' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'email')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'role')
            [CompletionResult]::new('--attr', '--attr', [CompletionResultType]::ParameterName, 'Set an attribute (repeatable); the value is stored as a string')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--must-change-password', '--must-change-password', [CompletionResultType]::ParameterName, 'Require a new password at first login')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('--generate-password', '--generate-password', [CompletionResultType]::ParameterName, 'Generate a strong random password and print it once')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;update' {
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'New username')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'email')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New display name; an empty string removes it')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'role')
            [CompletionResult]::new('--attr', '--attr', [CompletionResultType]::ParameterName, 'Set an attribute (repeatable); the value is stored as a string')
            [CompletionResult]::new('--unset-attr', '--unset-attr', [CompletionResultType]::ParameterName, 'Remove an attribute (repeatable)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the user is blocked (shown to operators only)')
            [CompletionResult]::new('--must-change-password', '--must-change-password', [CompletionResultType]::ParameterName, 'Require (true) or stop requiring (false) a new password at next login')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--block', '--block', [CompletionResultType]::ParameterName, 'Block the user: it can no longer log in, and its tokens stop working')
            [CompletionResult]::new('--unblock', '--unblock', [CompletionResultType]::ParameterName, 'Unblock the user')
            [CompletionResult]::new('--prompt-password', '--prompt-password', [CompletionResultType]::ParameterName, 'Ask for a new password on the terminal (twice)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('--generate-password', '--generate-password', [CompletionResultType]::ParameterName, 'Generate a strong random password and print it once')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;delete' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Delete for good, not to the recycle bin (for erasure requests)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;restore' {
            [CompletionResult]::new('--rename', '--rename', [CompletionResultType]::ParameterName, 'Restore it under this username (its own has been taken meanwhile)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;purge' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;unlock' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;user;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one user, named by id, username or email')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one user: to the recycle bin, whence `user restore` brings it back')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Remove a deleted user from the recycle bin for good (every one USER names)')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Forget the failed logins a running server counted against the user''s names')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;user;help;get' {
            break
        }
        'usersctl;user;help;create' {
            break
        }
        'usersctl;user;help;update' {
            break
        }
        'usersctl;user;help;delete' {
            break
        }
        'usersctl;user;help;restore' {
            break
        }
        'usersctl;user;help;purge' {
            break
        }
        'usersctl;user;help;unlock' {
            break
        }
        'usersctl;user;help;help' {
            break
        }
        'usersctl;users' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, oldest first unless sorted otherwise, a page at a time')
            [CompletionResult]::new('delete-many', 'delete-many', [CompletionResultType]::ParameterValue, 'Delete many users (to the recycle bin), reporting each one''s outcome')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'List the recycle bin: deleted users, kept for the bin_retention setting')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring many deleted users back from the recycle bin, reporting each one''s outcome')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Empty the recycle bin for good, or only of what was deleted long ago')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load users from JSON Lines (a file, or "-" for stdin)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every user, with its password hash, as JSON Lines')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;users;list' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'role')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only users whose username, email or name contains TEXT (case-insensitive)')
            [CompletionResult]::new('--inactive-for', '--inactive-for', [CompletionResultType]::ParameterName, 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then')
            [CompletionResult]::new('--created-before', '--created-before', [CompletionResultType]::ParameterName, 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)')
            [CompletionResult]::new('--created-after', '--created-after', [CompletionResultType]::ParameterName, 'Only users created at TIME or later (as --created-before)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only members of GROUP (an id or name)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue after the page that printed this cursor')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order by id (creation order, the default), username or email, compared byte by byte; a - before it reverses it (-username)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--blocked', '--blocked', [CompletionResultType]::ParameterName, 'Only blocked users')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only users that are not blocked')
            [CompletionResult]::new('--never-logged-in', '--never-logged-in', [CompletionResultType]::ParameterName, 'Only users who have never logged in')
            [CompletionResult]::new('--must-change-password', '--must-change-password', [CompletionResultType]::ParameterName, 'Only users told to change their password')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only how many users match')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print the table without its header line')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;delete-many' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read users from FILE, one per line ("-" for stdin)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'role')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only users whose username, email or name contains TEXT (case-insensitive)')
            [CompletionResult]::new('--inactive-for', '--inactive-for', [CompletionResultType]::ParameterName, 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then')
            [CompletionResult]::new('--created-before', '--created-before', [CompletionResultType]::ParameterName, 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)')
            [CompletionResult]::new('--created-after', '--created-after', [CompletionResultType]::ParameterName, 'Only users created at TIME or later (as --created-before)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only members of GROUP (an id or name)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Refuse, deleting nothing, unless exactly N users are to be deleted')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--blocked', '--blocked', [CompletionResultType]::ParameterName, 'Only blocked users')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only users that are not blocked')
            [CompletionResult]::new('--never-logged-in', '--never-logged-in', [CompletionResultType]::ParameterName, 'Only users who have never logged in')
            [CompletionResult]::new('--must-change-password', '--must-change-password', [CompletionResultType]::ParameterName, 'Only users told to change their password')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be deleted, and delete nothing')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Delete for good, not to the recycle bin')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;deleted' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'role')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only users whose username, email or name contains TEXT (case-insensitive)')
            [CompletionResult]::new('--inactive-for', '--inactive-for', [CompletionResultType]::ParameterName, 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then')
            [CompletionResult]::new('--created-before', '--created-before', [CompletionResultType]::ParameterName, 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)')
            [CompletionResult]::new('--created-after', '--created-after', [CompletionResultType]::ParameterName, 'Only users created at TIME or later (as --created-before)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only members of GROUP (an id or name)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue after the page that printed this cursor')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--blocked', '--blocked', [CompletionResultType]::ParameterName, 'Only blocked users')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only users that are not blocked')
            [CompletionResult]::new('--never-logged-in', '--never-logged-in', [CompletionResultType]::ParameterName, 'Only users who have never logged in')
            [CompletionResult]::new('--must-change-password', '--must-change-password', [CompletionResultType]::ParameterName, 'Only users told to change their password')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only how many users match')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print the table without its header line')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;restore' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read users from FILE, one per line ("-" for stdin)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;purge' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only users deleted longer ago than DURATION, e.g. 7d')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;import' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--atomic', '--atomic', [CompletionResultType]::ParameterName, 'Store nothing unless every line is good')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;export' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Write to FILE (created owner-only; never through a symbolic link) instead of stdout')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists (it must be a file of your own)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;users;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, oldest first unless sorted otherwise, a page at a time')
            [CompletionResult]::new('delete-many', 'delete-many', [CompletionResultType]::ParameterValue, 'Delete many users (to the recycle bin), reporting each one''s outcome')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'List the recycle bin: deleted users, kept for the bin_retention setting')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring many deleted users back from the recycle bin, reporting each one''s outcome')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Empty the recycle bin for good, or only of what was deleted long ago')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load users from JSON Lines (a file, or "-" for stdin)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every user, with its password hash, as JSON Lines')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;users;help;list' {
            break
        }
        'usersctl;users;help;delete-many' {
            break
        }
        'usersctl;users;help;deleted' {
            break
        }
        'usersctl;users;help;restore' {
            break
        }
        'usersctl;users;help;purge' {
            break
        }
        'usersctl;users;help;import' {
            break
        }
        'usersctl;users;help;export' {
            break
        }
        'usersctl;users;help;help' {
            break
        }
        'usersctl;group' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a group (its name follows the username rules)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one group, named by id or name')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group (its members stay, in no such group)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups, oldest first (`users list --group G` lists a group''s members)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users (ids, usernames or emails) to a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;group;create' {
            [CompletionResult]::new('--display-name', '--display-name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;get' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--display-name', '--display-name', [CompletionResultType]::ParameterName, 'New display name; an empty string removes it')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;delete' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every group]')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue after the page that printed this cursor')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;add' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--users-from', '--users-from', [CompletionResultType]::ParameterName, 'Read users from FILE, one per line ("-" for stdin)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;remove' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The group (`--to` when adding, `--from` when removing)')
            [CompletionResult]::new('--users-from', '--users-from', [CompletionResultType]::ParameterName, 'Read users from FILE, one per line ("-" for stdin)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;group;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a group (its name follows the username rules)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one group, named by id or name')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group (its members stay, in no such group)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups, oldest first (`users list --group G` lists a group''s members)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users (ids, usernames or emails) to a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;group;help;create' {
            break
        }
        'usersctl;group;help;get' {
            break
        }
        'usersctl;group;help;update' {
            break
        }
        'usersctl;group;help;delete' {
            break
        }
        'usersctl;group;help;list' {
            break
        }
        'usersctl;group;help;add' {
            break
        }
        'usersctl;group;help;remove' {
            break
        }
        'usersctl;group;help;help' {
            break
        }
        'usersctl;key' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a key and print it, once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys: name, user, created, expires, last used (never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: it stops working at once, on every server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;key;create' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user it acts as (id, username or email)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'It stops working after DURATION (e.g. 90d); never, without')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'It may only read')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;key;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every key]')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue after the page that printed this cursor')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;key;revoke' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;key;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a key and print it, once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys: name, user, created, expires, last used (never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: it stops working at once, on every server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;key;help;create' {
            break
        }
        'usersctl;key;help;list' {
            break
        }
        'usersctl;key;help;revoke' {
            break
        }
        'usersctl;key;help;help' {
            break
        }
        'usersctl;settings' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the database''s settings')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;settings;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;settings;set' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;settings;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the database''s settings')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;settings;help;show' {
            break
        }
        'usersctl;settings;help;set' {
            break
        }
        'usersctl;settings;help;help' {
            break
        }
        'usersctl;audit' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only records about USER (id, username or email; one deleted is named by what it had, one purged by its id)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Only records of ACTOR: an operator as recorded (root@host), or a user (id, username or email) acting with its token')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records made at TIME or later: a date, an RFC 3339 time, or an age (2h: two hours ago)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records made before TIME (as --since)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only these actions (repeat, or separate with commas): create, import, update, block, unblock, role, password_change, password_reset, delete, restore, purge, revoke_token, login, login_failed, settings')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing records as they are made, until Ctrl-C')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing records as they are made, until Ctrl-C')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;audit;verify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;audit;help;verify' {
            break
        }
        'usersctl;audit;help;help' {
            break
        }
        'usersctl;authenticate' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime, e.g. 15m, 1h, 7d [default: 1h]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on: HOST:PORT, where HOST is an IP address or a name such as localhost')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Requests per second per client address for callers without a valid token (burst the same); 0 switches it off')
            [CompletionResult]::new('--token-rate-limit', '--token-rate-limit', [CompletionResultType]::ParameterName, 'Requests per second per token holder (burst the same); 0 switches it off')
            [CompletionResult]::new('--trusted-proxy', '--trusted-proxy', [CompletionResultType]::ParameterName, 'Proxies (addresses or networks such as 10.0.0.0/8, comma-separated) whose X-Forwarded-For names the client')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'Lifetime of issued tokens, e.g. 15m, 1h')
            [CompletionResult]::new('--console-path', '--console-path', [CompletionResultType]::ParameterName, 'Where the web console is served')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--no-console', '--no-console', [CompletionResultType]::ParameterName, 'Serve no web console')
            [CompletionResult]::new('--allow-registration', '--allow-registration', [CompletionResultType]::ParameterName, 'Let anyone create a user-role account with POST /users')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;migrate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;check' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, JSON for scripts, or one username per line for pipes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)')
            [CompletionResult]::new('--min-password-length', '--min-password-length', [CompletionResultType]::ParameterName, 'Minimum length of new passwords, in characters')
            [CompletionResult]::new('--reserved-names', '--reserved-names', [CompletionResultType]::ParameterName, 'Comma-separated usernames nobody may take [default: root, administrator, system, …]')
            [CompletionResult]::new('--repair', '--repair', [CompletionResultType]::ParameterName, 'Rebuild the username and email indexes from the records first, and mend damaged files, keeping a copy of them as they were')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --repair: keep what can be read even when that is fewer users than the database held at its last clean shutdown')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Make the database if --db names none (only `user create` and `users import` do so unasked)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no notes, summaries or progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'usersctl;help' {
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Show, create, change or delete one user')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'List users, and bulk operations')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Groups of users: create, show, rename, delete, and their members')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the database''s settings (shared by every process on it)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit trail (every change and login: who, from where, when), or verify it')
            [CompletionResult]::new('authenticate', 'authenticate', [CompletionResultType]::ParameterValue, 'Check a password and print a token and its expiry')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP interface on the same database')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that records and indexes agree and every hash parses')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'usersctl;help;user' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one user, named by id, username or email')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one user: to the recycle bin, whence `user restore` brings it back')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Remove a deleted user from the recycle bin for good (every one USER names)')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Forget the failed logins a running server counted against the user''s names')
            break
        }
        'usersctl;help;user;get' {
            break
        }
        'usersctl;help;user;create' {
            break
        }
        'usersctl;help;user;update' {
            break
        }
        'usersctl;help;user;delete' {
            break
        }
        'usersctl;help;user;restore' {
            break
        }
        'usersctl;help;user;purge' {
            break
        }
        'usersctl;help;user;unlock' {
            break
        }
        'usersctl;help;users' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, oldest first unless sorted otherwise, a page at a time')
            [CompletionResult]::new('delete-many', 'delete-many', [CompletionResultType]::ParameterValue, 'Delete many users (to the recycle bin), reporting each one''s outcome')
            [CompletionResult]::new('deleted', 'deleted', [CompletionResultType]::ParameterValue, 'List the recycle bin: deleted users, kept for the bin_retention setting')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Bring many deleted users back from the recycle bin, reporting each one''s outcome')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Empty the recycle bin for good, or only of what was deleted long ago')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load users from JSON Lines (a file, or "-" for stdin)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every user, with its password hash, as JSON Lines')
            break
        }
        'usersctl;help;users;list' {
            break
        }
        'usersctl;help;users;delete-many' {
            break
        }
        'usersctl;help;users;deleted' {
            break
        }
        'usersctl;help;users;restore' {
            break
        }
        'usersctl;help;users;purge' {
            break
        }
        'usersctl;help;users;import' {
            break
        }
        'usersctl;help;users;export' {
            break
        }
        'usersctl;help;group' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a group (its name follows the username rules)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one group, named by id or name')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change only the fields named')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group (its members stay, in no such group)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups, oldest first (`users list --group G` lists a group''s members)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users (ids, usernames or emails) to a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            break
        }
        'usersctl;help;group;create' {
            break
        }
        'usersctl;help;group;get' {
            break
        }
        'usersctl;help;group;update' {
            break
        }
        'usersctl;help;group;delete' {
            break
        }
        'usersctl;help;group;list' {
            break
        }
        'usersctl;help;group;add' {
            break
        }
        'usersctl;help;group;remove' {
            break
        }
        'usersctl;help;key' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a key and print it, once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys: name, user, created, expires, last used (never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: it stops working at once, on every server')
            break
        }
        'usersctl;help;key;create' {
            break
        }
        'usersctl;help;key;list' {
            break
        }
        'usersctl;help;key;revoke' {
            break
        }
        'usersctl;help;settings' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the database''s settings')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)')
            break
        }
        'usersctl;help;settings;show' {
            break
        }
        'usersctl;help;settings;set' {
            break
        }
        'usersctl;help;audit' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one')
            break
        }
        'usersctl;help;audit;verify' {
            break
        }
        'usersctl;help;authenticate' {
            break
        }
        'usersctl;help;serve' {
            break
        }
        'usersctl;help;migrate' {
            break
        }
        'usersctl;help;check' {
            break
        }
        'usersctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
