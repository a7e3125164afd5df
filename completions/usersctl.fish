# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_usersctl_global_optspecs
    string join \n db= init o/output= q/quiet wait= min-password-length= reserved-names= h/help V/version
end

function __fish_usersctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_usersctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_usersctl_using_subcommand
    set -l cmd (__fish_usersctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c usersctl -n "__fish_usersctl_needs_command" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_needs_command" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_needs_command" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_needs_command" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_needs_command" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_needs_command" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_needs_command" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_needs_command" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "user" -d 'Show, create, change or delete one user'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "users" -d 'List users, and bulk operations'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "group" -d 'Groups of users: create, show, rename, delete, and their members'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "key" -d 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "settings" -d 'Show or change the database\'s settings (shared by every process on it)'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "audit" -d 'Read the audit trail (every change and login: who, from where, when), or verify it'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "authenticate" -d 'Check a password and print a token and its expiry'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "serve" -d 'Run the HTTP interface on the same database'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "migrate" -d 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "check" -d 'Verify that records and indexes agree and every hash parses'
complete -c usersctl -n "__fish_usersctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "get" -d 'Show one user, named by id, username or email'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "create" -d 'Create a user'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "delete" -d 'Delete one user: to the recycle bin, whence `user restore` brings it back'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "restore" -d 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "purge" -d 'Remove a deleted user from the recycle bin for good (every one USER names)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "unlock" -d 'Forget the failed logins a running server counted against the user\'s names'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and not __fish_seen_subcommand_from get create update delete restore purge unlock help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l email -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l name -d 'Display name' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l role -r -f -a "admin\t''
user\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l attr -d 'Set an attribute (repeatable); the value is stored as a string' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l must-change-password -d 'Require a new password at first login'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l generate-password -d 'Generate a strong random password and print it once'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l username -d 'New username' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l email -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l name -d 'New display name; an empty string removes it' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l role -r -f -a "admin\t''
user\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l attr -d 'Set an attribute (repeatable); the value is stored as a string' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l unset-attr -d 'Remove an attribute (repeatable)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l reason -d 'Why the user is blocked (shown to operators only)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l must-change-password -d 'Require (true) or stop requiring (false) a new password at next login' -r -f -a "true\t''
false\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l block -d 'Block the user: it can no longer log in, and its tokens stop working'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l unblock -d 'Unblock the user'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l prompt-password -d 'Ask for a new password on the terminal (twice)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l generate-password -d 'Generate a strong random password and print it once'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l purge -d 'Delete for good, not to the recycle bin (for erasure requests)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l rename -d 'Restore it under this username (its own has been taken meanwhile)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from unlock" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one user, named by id, username or email'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a user'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete one user: to the recycle bin, whence `user restore` brings it back'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Remove a deleted user from the recycle bin for good (every one USER names)'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "unlock" -d 'Forget the failed logins a running server counted against the user\'s names'
complete -c usersctl -n "__fish_usersctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "list" -d 'List users, oldest first unless sorted otherwise, a page at a time'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "delete-many" -d 'Delete many users (to the recycle bin), reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "deleted" -d 'List the recycle bin: deleted users, kept for the bin_retention setting'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "restore" -d 'Bring many deleted users back from the recycle bin, reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "purge" -d 'Empty the recycle bin for good, or only of what was deleted long ago'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "import" -d 'Load users from JSON Lines (a file, or "-" for stdin)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "export" -d 'Write every user, with its password hash, as JSON Lines'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and not __fish_seen_subcommand_from list delete-many deleted restore purge import export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l role -r -f -a "admin\t''
user\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l search -d 'Only users whose username, email or name contains TEXT (case-insensitive)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l inactive-for -d 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l created-before -d 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l created-after -d 'Only users created at TIME or later (as --created-before)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l group -d 'Only members of GROUP (an id or name)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l limit -d 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l cursor -d 'Continue after the page that printed this cursor' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l sort -d 'Order by id (creation order, the default), username or email, compared byte by byte; a - before it reverses it (-username)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l blocked -d 'Only blocked users'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l active -d 'Only users that are not blocked'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l never-logged-in -d 'Only users who have never logged in'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l must-change-password -d 'Only users told to change their password'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l count -d 'Print only how many users match'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l no-headers -d 'Print the table without its header line'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l from -d 'Read users from FILE, one per line ("-" for stdin)' -r -F
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l role -r -f -a "admin\t''
user\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l search -d 'Only users whose username, email or name contains TEXT (case-insensitive)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l inactive-for -d 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l created-before -d 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l created-after -d 'Only users created at TIME or later (as --created-before)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l group -d 'Only members of GROUP (an id or name)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l expect -d 'Refuse, deleting nothing, unless exactly N users are to be deleted' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l blocked -d 'Only blocked users'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l active -d 'Only users that are not blocked'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l never-logged-in -d 'Only users who have never logged in'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l must-change-password -d 'Only users told to change their password'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l dry-run -d 'Report what would be deleted, and delete nothing'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l purge -d 'Delete for good, not to the recycle bin'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from delete-many" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l role -r -f -a "admin\t''
user\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l search -d 'Only users whose username, email or name contains TEXT (case-insensitive)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l inactive-for -d 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l created-before -d 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l created-after -d 'Only users created at TIME or later (as --created-before)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l group -d 'Only members of GROUP (an id or name)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l limit -d 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l cursor -d 'Continue after the page that printed this cursor' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l blocked -d 'Only blocked users'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l active -d 'Only users that are not blocked'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l never-logged-in -d 'Only users who have never logged in'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l must-change-password -d 'Only users told to change their password'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l count -d 'Print only how many users match'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l no-headers -d 'Print the table without its header line'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from deleted" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l from -d 'Read users from FILE, one per line ("-" for stdin)' -r -F
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l older-than -d 'Only users deleted longer ago than DURATION, e.g. 7d' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l atomic -d 'Store nothing unless every line is good'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l to -d 'Write to FILE (created owner-only; never through a symbolic link) instead of stdout' -r -F
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l force -d 'Replace FILE if it exists (it must be a file of your own)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List users, oldest first unless sorted otherwise, a page at a time'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "delete-many" -d 'Delete many users (to the recycle bin), reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "deleted" -d 'List the recycle bin: deleted users, kept for the bin_retention setting'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Bring many deleted users back from the recycle bin, reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Empty the recycle bin for good, or only of what was deleted long ago'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "import" -d 'Load users from JSON Lines (a file, or "-" for stdin)'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every user, with its password hash, as JSON Lines'
complete -c usersctl -n "__fish_usersctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "create" -d 'Create a group (its name follows the username rules)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "get" -d 'Show one group, named by id or name'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "delete" -d 'Delete a group (its members stay, in no such group)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "list" -d 'List groups, oldest first (`users list --group G` lists a group\'s members)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "add" -d 'Add users (ids, usernames or emails) to a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "remove" -d 'Remove users from a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and not __fish_seen_subcommand_from create get update delete list add remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l display-name -d 'Display name' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l name -d 'New name' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l display-name -d 'New display name; an empty string removes it' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l limit -d 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every group]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l cursor -d 'Continue after the page that printed this cursor' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l group -l to -l from -d 'The group (`--to` when adding, `--from` when removing)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l users-from -d 'Read users from FILE, one per line ("-" for stdin)' -r -F
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l group -l to -l from -d 'The group (`--to` when adding, `--from` when removing)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l users-from -d 'Read users from FILE, one per line ("-" for stdin)' -r -F
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a group (its name follows the username rules)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one group, named by id or name'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a group (its members stay, in no such group)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'List groups, oldest first (`users list --group G` lists a group\'s members)'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add users (ids, usernames or emails) to a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove users from a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -f -a "create" -d 'Make a key and print it, once (only a hash of it is kept)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -f -a "list" -d 'List keys: name, user, created, expires, last used (never the key)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -f -a "revoke" -d 'Revoke a key: it stops working at once, on every server'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and not __fish_seen_subcommand_from create list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l user -d 'The user it acts as (id, username or email)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l expires -d 'It stops working after DURATION (e.g. 90d); never, without' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l read-only -d 'It may only read'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l limit -d 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every key]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l cursor -d 'Continue after the page that printed this cursor' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a key and print it, once (only a hash of it is kept)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys: name, user, created, expires, last used (never the key)'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a key: it stops working at once, on every server'
complete -c usersctl -n "__fish_usersctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -f -a "show" -d 'Show the database\'s settings'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -f -a "set" -d 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and not __fish_seen_subcommand_from show set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the database\'s settings'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
complete -c usersctl -n "__fish_usersctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l user -d 'Only records about USER (id, username or email; one deleted is named by what it had, one purged by its id)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l actor -d 'Only records of ACTOR: an operator as recorded (root@host), or a user (id, username or email) acting with its token' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l since -d 'Only records made at TIME or later: a date, an RFC 3339 time, or an age (2h: two hours ago)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l until -d 'Only records made before TIME (as --since)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l action -d 'Only these actions (repeat, or separate with commas): create, import, update, block, unblock, role, password_change, password_reset, delete, restore, purge, revoke_token, login, login_failed, settings' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s f -l follow -d 'Keep printing records as they are made, until Ctrl-C'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "verify" -d 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
complete -c usersctl -n "__fish_usersctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l ttl -d 'Token lifetime, e.g. 15m, 1h, 7d [default: 1h]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand authenticate" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l bind -d 'Address to listen on: HOST:PORT, where HOST is an IP address or a name such as localhost' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l rate-limit -d 'Requests per second per client address for callers without a valid token (burst the same); 0 switches it off' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l token-rate-limit -d 'Requests per second per token holder (burst the same); 0 switches it off' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l trusted-proxy -d 'Proxies (addresses or networks such as 10.0.0.0/8, comma-separated) whose X-Forwarded-For names the client' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l token-ttl -d 'Lifetime of issued tokens, e.g. 15m, 1h' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l console-path -d 'Where the web console is served' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l log-format -d 'Log format' -r -f -a "text\t''
json\t''"
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l no-console -d 'Serve no web console'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l allow-registration -d 'Let anyone create a user-role account with POST /users'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l db -d 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -s o -l output -d 'Output format: a table, JSON for scripts, or one username per line for pipes' -r -f -a "table\t'Human-readable tables'
wide\t'Tables with every column (for `users list`: name, last login, id)'
json\t'JSON on stdout (and errors as JSON on stderr)'
name\t'One username per line'"
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l wait -d 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l min-password-length -d 'Minimum length of new passwords, in characters' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l reserved-names -d 'Comma-separated usernames nobody may take [default: root, administrator, system, …]' -r
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l repair -d 'Rebuild the username and email indexes from the records first, and mend damaged files, keeping a copy of them as they were'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l force -d 'With --repair: keep what can be read even when that is fewer users than the database held at its last clean shutdown'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -l init -d 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -s q -l quiet -d 'Print only what was asked for: no notes, summaries or progress bars'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usersctl -n "__fish_usersctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "user" -d 'Show, create, change or delete one user'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "users" -d 'List users, and bulk operations'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "group" -d 'Groups of users: create, show, rename, delete, and their members'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "key" -d 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "settings" -d 'Show or change the database\'s settings (shared by every process on it)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "audit" -d 'Read the audit trail (every change and login: who, from where, when), or verify it'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "authenticate" -d 'Check a password and print a token and its expiry'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "serve" -d 'Run the HTTP interface on the same database'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "migrate" -d 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "check" -d 'Verify that records and indexes agree and every hash parses'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and not __fish_seen_subcommand_from user users group key settings audit authenticate serve migrate check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "get" -d 'Show one user, named by id, username or email'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "create" -d 'Create a user'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "delete" -d 'Delete one user: to the recycle bin, whence `user restore` brings it back'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "restore" -d 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "purge" -d 'Remove a deleted user from the recycle bin for good (every one USER names)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "unlock" -d 'Forget the failed logins a running server counted against the user\'s names'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List users, oldest first unless sorted otherwise, a page at a time'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "delete-many" -d 'Delete many users (to the recycle bin), reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "deleted" -d 'List the recycle bin: deleted users, kept for the bin_retention setting'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "restore" -d 'Bring many deleted users back from the recycle bin, reporting each one\'s outcome'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "purge" -d 'Empty the recycle bin for good, or only of what was deleted long ago'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "import" -d 'Load users from JSON Lines (a file, or "-" for stdin)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "export" -d 'Write every user, with its password hash, as JSON Lines'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "create" -d 'Create a group (its name follows the username rules)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "get" -d 'Show one group, named by id or name'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "update" -d 'Change only the fields named'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Delete a group (its members stay, in no such group)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'List groups, oldest first (`users list --group G` lists a group\'s members)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add" -d 'Add users (ids, usernames or emails) to a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove" -d 'Remove users from a group'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "create" -d 'Make a key and print it, once (only a hash of it is kept)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List keys: name, user, created, expires, last used (never the key)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "revoke" -d 'Revoke a key: it stops working at once, on every server'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "show" -d 'Show the database\'s settings'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
complete -c usersctl -n "__fish_usersctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
