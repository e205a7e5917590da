# The checkout's .env, where the settings find the database, the signing key
# and the demo password. Sourced by bin/setup; run from the checkout's root.
# Only its owner may read it: it holds passwords and the key that signs
# sessions.

env_value() {  # env_value NAME: the value of NAME in .env, if any
    [ -f .env ] && sed -n "s/^$1=//p" .env | tail -n 1 || true
}

env_set() {  # env_set NAME VALUE: write NAME=VALUE into .env
    (
        umask 077
        rm -f .env.tmp
        { [ ! -f .env ] || grep -v "^$1=" .env || true; } > .env.tmp
        printf '%s=%s\n' "$1" "$2" >> .env.tmp
        mv .env.tmp .env
    )
}

env_init() {  # env_init: .env readable by its owner only, with a SECRET_KEY of its own
    [ ! -f .env ] || chmod 600 .env
    if [ -z "$(env_value SECRET_KEY)" ]; then
        # 48 random bytes, letters and digits only: nothing for .env's parser
        # to interpret ($ would refer to another variable).
        env_set SECRET_KEY "$(head -c 48 /dev/urandom | base64 | LC_ALL=C tr -dc 'A-Za-z0-9')"
    fi
}
