
use builtin;
use str;

set edit:completion:arg-completer[usersctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'usersctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'usersctl'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand user 'Show, create, change or delete one user'
            cand users 'List users, and bulk operations'
            cand group 'Groups of users: create, show, rename, delete, and their members'
            cand key 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`'
            cand settings 'Show or change the database''s settings (shared by every process on it)'
            cand audit 'Read the audit trail (every change and login: who, from where, when), or verify it'
            cand authenticate 'Check a password and print a token and its expiry'
            cand serve 'Run the HTTP interface on the same database'
            cand migrate 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)'
            cand check 'Verify that records and indexes agree and every hash parses'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;user'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Show one user, named by id, username or email'
            cand create 'Create a user'
            cand update 'Change only the fields named'
            cand delete 'Delete one user: to the recycle bin, whence `user restore` brings it back'
            cand restore 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
            cand purge 'Remove a deleted user from the recycle bin for good (every one USER names)'
            cand unlock 'Forget the failed logins a running server counted against the user''s names'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;user;get'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;create'= {
            cand --email 'email'
            cand --name 'Display name'
            cand --role 'role'
            cand --attr 'Set an attribute (repeatable); the value is stored as a string'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --must-change-password 'Require a new password at first login'
            cand --password-stdin 'Read the password from the first line of stdin'
            cand --generate-password 'Generate a strong random password and print it once'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;update'= {
            cand --username 'New username'
            cand --email 'email'
            cand --name 'New display name; an empty string removes it'
            cand --role 'role'
            cand --attr 'Set an attribute (repeatable); the value is stored as a string'
            cand --unset-attr 'Remove an attribute (repeatable)'
            cand --reason 'Why the user is blocked (shown to operators only)'
            cand --must-change-password 'Require (true) or stop requiring (false) a new password at next login'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --block 'Block the user: it can no longer log in, and its tokens stop working'
            cand --unblock 'Unblock the user'
            cand --prompt-password 'Ask for a new password on the terminal (twice)'
            cand --password-stdin 'Read the password from the first line of stdin'
            cand --generate-password 'Generate a strong random password and print it once'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;delete'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --purge 'Delete for good, not to the recycle bin (for erasure requests)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;restore'= {
            cand --rename 'Restore it under this username (its own has been taken meanwhile)'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;purge'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;unlock'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;user;help'= {
            cand get 'Show one user, named by id, username or email'
            cand create 'Create a user'
            cand update 'Change only the fields named'
            cand delete 'Delete one user: to the recycle bin, whence `user restore` brings it back'
            cand restore 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
            cand purge 'Remove a deleted user from the recycle bin for good (every one USER names)'
            cand unlock 'Forget the failed logins a running server counted against the user''s names'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;user;help;get'= {
        }
        &'usersctl;user;help;create'= {
        }
        &'usersctl;user;help;update'= {
        }
        &'usersctl;user;help;delete'= {
        }
        &'usersctl;user;help;restore'= {
        }
        &'usersctl;user;help;purge'= {
        }
        &'usersctl;user;help;unlock'= {
        }
        &'usersctl;user;help;help'= {
        }
        &'usersctl;users'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List users, oldest first unless sorted otherwise, a page at a time'
            cand delete-many 'Delete many users (to the recycle bin), reporting each one''s outcome'
            cand deleted 'List the recycle bin: deleted users, kept for the bin_retention setting'
            cand restore 'Bring many deleted users back from the recycle bin, reporting each one''s outcome'
            cand purge 'Empty the recycle bin for good, or only of what was deleted long ago'
            cand import 'Load users from JSON Lines (a file, or "-" for stdin)'
            cand export 'Write every user, with its password hash, as JSON Lines'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;users;list'= {
            cand --role 'role'
            cand --search 'Only users whose username, email or name contains TEXT (case-insensitive)'
            cand --inactive-for 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then'
            cand --created-before 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)'
            cand --created-after 'Only users created at TIME or later (as --created-before)'
            cand --group 'Only members of GROUP (an id or name)'
            cand --limit 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]'
            cand --cursor 'Continue after the page that printed this cursor'
            cand --sort 'Order by id (creation order, the default), username or email, compared byte by byte; a - before it reverses it (-username)'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --blocked 'Only blocked users'
            cand --active 'Only users that are not blocked'
            cand --never-logged-in 'Only users who have never logged in'
            cand --must-change-password 'Only users told to change their password'
            cand --count 'Print only how many users match'
            cand --no-headers 'Print the table without its header line'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;delete-many'= {
            cand --from 'Read users from FILE, one per line ("-" for stdin)'
            cand --role 'role'
            cand --search 'Only users whose username, email or name contains TEXT (case-insensitive)'
            cand --inactive-for 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then'
            cand --created-before 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)'
            cand --created-after 'Only users created at TIME or later (as --created-before)'
            cand --group 'Only members of GROUP (an id or name)'
            cand --expect 'Refuse, deleting nothing, unless exactly N users are to be deleted'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --blocked 'Only blocked users'
            cand --active 'Only users that are not blocked'
            cand --never-logged-in 'Only users who have never logged in'
            cand --must-change-password 'Only users told to change their password'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --dry-run 'Report what would be deleted, and delete nothing'
            cand --purge 'Delete for good, not to the recycle bin'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;deleted'= {
            cand --role 'role'
            cand --search 'Only users whose username, email or name contains TEXT (case-insensitive)'
            cand --inactive-for 'Only users not seen for DURATION (e.g. 90d): last logged in before then, or never logged in and created before then'
            cand --created-before 'Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)'
            cand --created-after 'Only users created at TIME or later (as --created-before)'
            cand --group 'Only members of GROUP (an id or name)'
            cand --limit 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]'
            cand --cursor 'Continue after the page that printed this cursor'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --blocked 'Only blocked users'
            cand --active 'Only users that are not blocked'
            cand --never-logged-in 'Only users who have never logged in'
            cand --must-change-password 'Only users told to change their password'
            cand --count 'Print only how many users match'
            cand --no-headers 'Print the table without its header line'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;restore'= {
            cand --from 'Read users from FILE, one per line ("-" for stdin)'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;purge'= {
            cand --older-than 'Only users deleted longer ago than DURATION, e.g. 7d'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;import'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --atomic 'Store nothing unless every line is good'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;export'= {
            cand --to 'Write to FILE (created owner-only; never through a symbolic link) instead of stdout'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --force 'Replace FILE if it exists (it must be a file of your own)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;users;help'= {
            cand list 'List users, oldest first unless sorted otherwise, a page at a time'
            cand delete-many 'Delete many users (to the recycle bin), reporting each one''s outcome'
            cand deleted 'List the recycle bin: deleted users, kept for the bin_retention setting'
            cand restore 'Bring many deleted users back from the recycle bin, reporting each one''s outcome'
            cand purge 'Empty the recycle bin for good, or only of what was deleted long ago'
            cand import 'Load users from JSON Lines (a file, or "-" for stdin)'
            cand export 'Write every user, with its password hash, as JSON Lines'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;users;help;list'= {
        }
        &'usersctl;users;help;delete-many'= {
        }
        &'usersctl;users;help;deleted'= {
        }
        &'usersctl;users;help;restore'= {
        }
        &'usersctl;users;help;purge'= {
        }
        &'usersctl;users;help;import'= {
        }
        &'usersctl;users;help;export'= {
        }
        &'usersctl;users;help;help'= {
        }
        &'usersctl;group'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a group (its name follows the username rules)'
            cand get 'Show one group, named by id or name'
            cand update 'Change only the fields named'
            cand delete 'Delete a group (its members stay, in no such group)'
            cand list 'List groups, oldest first (`users list --group G` lists a group''s members)'
            cand add 'Add users (ids, usernames or emails) to a group'
            cand remove 'Remove users from a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;group;create'= {
            cand --display-name 'Display name'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;get'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;update'= {
            cand --name 'New name'
            cand --display-name 'New display name; an empty string removes it'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;delete'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;list'= {
            cand --limit 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every group]'
            cand --cursor 'Continue after the page that printed this cursor'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;add'= {
            cand --group 'The group (`--to` when adding, `--from` when removing)'
            cand --to 'The group (`--to` when adding, `--from` when removing)'
            cand --from 'The group (`--to` when adding, `--from` when removing)'
            cand --users-from 'Read users from FILE, one per line ("-" for stdin)'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;remove'= {
            cand --group 'The group (`--to` when adding, `--from` when removing)'
            cand --to 'The group (`--to` when adding, `--from` when removing)'
            cand --from 'The group (`--to` when adding, `--from` when removing)'
            cand --users-from 'Read users from FILE, one per line ("-" for stdin)'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;group;help'= {
            cand create 'Create a group (its name follows the username rules)'
            cand get 'Show one group, named by id or name'
            cand update 'Change only the fields named'
            cand delete 'Delete a group (its members stay, in no such group)'
            cand list 'List groups, oldest first (`users list --group G` lists a group''s members)'
            cand add 'Add users (ids, usernames or emails) to a group'
            cand remove 'Remove users from a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;group;help;create'= {
        }
        &'usersctl;group;help;get'= {
        }
        &'usersctl;group;help;update'= {
        }
        &'usersctl;group;help;delete'= {
        }
        &'usersctl;group;help;list'= {
        }
        &'usersctl;group;help;add'= {
        }
        &'usersctl;group;help;remove'= {
        }
        &'usersctl;group;help;help'= {
        }
        &'usersctl;key'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Make a key and print it, once (only a hash of it is kept)'
            cand list 'List keys: name, user, created, expires, last used (never the key)'
            cand revoke 'Revoke a key: it stops working at once, on every server'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;key;create'= {
            cand --user 'The user it acts as (id, username or email)'
            cand --expires 'It stops working after DURATION (e.g. 90d); never, without'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --read-only 'It may only read'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;key;list'= {
            cand --limit 'Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every key]'
            cand --cursor 'Continue after the page that printed this cursor'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;key;revoke'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;key;help'= {
            cand create 'Make a key and print it, once (only a hash of it is kept)'
            cand list 'List keys: name, user, created, expires, last used (never the key)'
            cand revoke 'Revoke a key: it stops working at once, on every server'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;key;help;create'= {
        }
        &'usersctl;key;help;list'= {
        }
        &'usersctl;key;help;revoke'= {
        }
        &'usersctl;key;help;help'= {
        }
        &'usersctl;settings'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show the database''s settings'
            cand set 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;settings;show'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;settings;set'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;settings;help'= {
            cand show 'Show the database''s settings'
            cand set 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;settings;help;show'= {
        }
        &'usersctl;settings;help;set'= {
        }
        &'usersctl;settings;help;help'= {
        }
        &'usersctl;audit'= {
            cand --user 'Only records about USER (id, username or email; one deleted is named by what it had, one purged by its id)'
            cand --actor 'Only records of ACTOR: an operator as recorded (root@host), or a user (id, username or email) acting with its token'
            cand --since 'Only records made at TIME or later: a date, an RFC 3339 time, or an age (2h: two hours ago)'
            cand --until 'Only records made before TIME (as --since)'
            cand --action 'Only these actions (repeat, or separate with commas): create, import, update, block, unblock, role, password_change, password_reset, delete, restore, purge, revoke_token, login, login_failed, settings'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand -f 'Keep printing records as they are made, until Ctrl-C'
            cand --follow 'Keep printing records as they are made, until Ctrl-C'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand verify 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;audit;verify'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;audit;help'= {
            cand verify 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;audit;help;verify'= {
        }
        &'usersctl;audit;help;help'= {
        }
        &'usersctl;authenticate'= {
            cand --ttl 'Token lifetime, e.g. 15m, 1h, 7d [default: 1h]'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --password-stdin 'Read the password from the first line of stdin'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;serve'= {
            cand --bind 'Address to listen on: HOST:PORT, where HOST is an IP address or a name such as localhost'
            cand --rate-limit 'Requests per second per client address for callers without a valid token (burst the same); 0 switches it off'
            cand --token-rate-limit 'Requests per second per token holder (burst the same); 0 switches it off'
            cand --trusted-proxy 'Proxies (addresses or networks such as 10.0.0.0/8, comma-separated) whose X-Forwarded-For names the client'
            cand --token-ttl 'Lifetime of issued tokens, e.g. 15m, 1h'
            cand --console-path 'Where the web console is served'
            cand --log-format 'Log format'
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --no-console 'Serve no web console'
            cand --allow-registration 'Let anyone create a user-role account with POST /users'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;migrate'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;check'= {
            cand --db 'Database directory, or a postgres:// URL (put a URL with a password in USERSCTL_DB, or the password in PGPASSWORD, not on the command line) [default: the platform data directory, e.g. ~/.local/share/usersctl]'
            cand -o 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --output 'Output format: a table, JSON for scripts, or one username per line for pipes'
            cand --wait 'How long to wait for a database another command holds, e.g. 10s (0 to fail at once)'
            cand --min-password-length 'Minimum length of new passwords, in characters'
            cand --reserved-names 'Comma-separated usernames nobody may take [default: root, administrator, system, …]'
            cand --repair 'Rebuild the username and email indexes from the records first, and mend damaged files, keeping a copy of them as they were'
            cand --force 'With --repair: keep what can be read even when that is fewer users than the database held at its last clean shutdown'
            cand --init 'Make the database if --db names none (only `user create` and `users import` do so unasked)'
            cand -q 'Print only what was asked for: no notes, summaries or progress bars'
            cand --quiet 'Print only what was asked for: no notes, summaries or progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'usersctl;help'= {
            cand user 'Show, create, change or delete one user'
            cand users 'List users, and bulk operations'
            cand group 'Groups of users: create, show, rename, delete, and their members'
            cand key 'API keys for services: a key acts as its user, sent as `Authorization: Bearer <key>`'
            cand settings 'Show or change the database''s settings (shared by every process on it)'
            cand audit 'Read the audit trail (every change and login: who, from where, when), or verify it'
            cand authenticate 'Check a password and print a token and its expiry'
            cand serve 'Run the HTTP interface on the same database'
            cand migrate 'Create or upgrade the schema of a PostgreSQL database (safe to run from several places at once)'
            cand check 'Verify that records and indexes agree and every hash parses'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'usersctl;help;user'= {
            cand get 'Show one user, named by id, username or email'
            cand create 'Create a user'
            cand update 'Change only the fields named'
            cand delete 'Delete one user: to the recycle bin, whence `user restore` brings it back'
            cand restore 'Bring a deleted user back from the recycle bin, whole (id, password, attributes, timestamps); tokens from before the delete stay dead'
            cand purge 'Remove a deleted user from the recycle bin for good (every one USER names)'
            cand unlock 'Forget the failed logins a running server counted against the user''s names'
        }
        &'usersctl;help;user;get'= {
        }
        &'usersctl;help;user;create'= {
        }
        &'usersctl;help;user;update'= {
        }
        &'usersctl;help;user;delete'= {
        }
        &'usersctl;help;user;restore'= {
        }
        &'usersctl;help;user;purge'= {
        }
        &'usersctl;help;user;unlock'= {
        }
        &'usersctl;help;users'= {
            cand list 'List users, oldest first unless sorted otherwise, a page at a time'
            cand delete-many 'Delete many users (to the recycle bin), reporting each one''s outcome'
            cand deleted 'List the recycle bin: deleted users, kept for the bin_retention setting'
            cand restore 'Bring many deleted users back from the recycle bin, reporting each one''s outcome'
            cand purge 'Empty the recycle bin for good, or only of what was deleted long ago'
            cand import 'Load users from JSON Lines (a file, or "-" for stdin)'
            cand export 'Write every user, with its password hash, as JSON Lines'
        }
        &'usersctl;help;users;list'= {
        }
        &'usersctl;help;users;delete-many'= {
        }
        &'usersctl;help;users;deleted'= {
        }
        &'usersctl;help;users;restore'= {
        }
        &'usersctl;help;users;purge'= {
        }
        &'usersctl;help;users;import'= {
        }
        &'usersctl;help;users;export'= {
        }
        &'usersctl;help;group'= {
            cand create 'Create a group (its name follows the username rules)'
            cand get 'Show one group, named by id or name'
            cand update 'Change only the fields named'
            cand delete 'Delete a group (its members stay, in no such group)'
            cand list 'List groups, oldest first (`users list --group G` lists a group''s members)'
            cand add 'Add users (ids, usernames or emails) to a group'
            cand remove 'Remove users from a group'
        }
        &'usersctl;help;group;create'= {
        }
        &'usersctl;help;group;get'= {
        }
        &'usersctl;help;group;update'= {
        }
        &'usersctl;help;group;delete'= {
        }
        &'usersctl;help;group;list'= {
        }
        &'usersctl;help;group;add'= {
        }
        &'usersctl;help;group;remove'= {
        }
        &'usersctl;help;key'= {
            cand create 'Make a key and print it, once (only a hash of it is kept)'
            cand list 'List keys: name, user, created, expires, last used (never the key)'
            cand revoke 'Revoke a key: it stops working at once, on every server'
        }
        &'usersctl;help;key;create'= {
        }
        &'usersctl;help;key;list'= {
        }
        &'usersctl;help;key;revoke'= {
        }
        &'usersctl;help;settings'= {
            cand show 'Show the database''s settings'
            cand set 'Change a setting: bin-retention (how long deleted users are kept, e.g. 30d) or audit-retention (how long audit records are kept, e.g. 365d)'
        }
        &'usersctl;help;settings;show'= {
        }
        &'usersctl;help;settings;set'= {
        }
        &'usersctl;help;audit'= {
            cand verify 'Check that no record was changed, removed, reordered or inserted since it was made; exits 6 naming the first bad one'
        }
        &'usersctl;help;audit;verify'= {
        }
        &'usersctl;help;authenticate'= {
        }
        &'usersctl;help;serve'= {
        }
        &'usersctl;help;migrate'= {
        }
        &'usersctl;help;check'= {
        }
        &'usersctl;help;help'= {
        }
    ]
    $completions[$command]
}
