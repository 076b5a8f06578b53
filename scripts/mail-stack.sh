#!/usr/bin/env bash
# A loopback-only mail stack for the integration tests, on Debian 12, as root, without systemd:
#   dovecot  IMAP 127.0.0.1:14143, LMTP 127.0.0.1:10024, users bot and review (password: secret),
#            one file per user in $DIR/dovecot/users.d/
#   postfix  SMTP 127.0.0.1:10025; example.test is virtual:
#              list@example.test    -> bot   (Postfix adds "List-Id: <list.example.test>", as a list would)
#              kansoku@example.test -> bot   (the bot's own address: moderators' approvals come here)
#              review@example.test  -> review
#            and, so that tests can each have their own list and mailboxes, for any id:
#              list-ID@example.test    -> bot-ID   (with "List-Id: <list-ID.example.test>")
#              kansoku-ID@example.test -> bot-ID
#              USER@example.test       -> USER, for every user in $DIR/dovecot/users.d/
#
#   scripts/mail-stack.sh up     install (if missing), configure, start; idempotent
#   scripts/mail-stack.sh down   stop both servers
#   scripts/mail-stack.sh reset  stop, remove all mail, start again
set -euo pipefail
DIR=${KANSOKU_MAILTEST_DIR:-/tmp/kansoku-mailtest}
D=$DIR/dovecot

wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "mail-stack: port $1 did not open" >&2
  return 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install() {
  if command -v dovecot >/dev/null && command -v postfix >/dev/null && [ -e /usr/lib/dovecot/lmtp ]; then return 0; fi
  # The image's policy-rc.d keeps the packages from starting servers on the standard ports.
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
  apt-get update -qq
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string mail.example.test" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd dovecot-lmtpd postfix >/dev/null
}

configure() {
  mkdir -p "$D/run" "$D/state" "$DIR/mail"
  cat > "$D/dovecot.conf" <<CONF
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/state
instance_name = kansoku-test
log_path = $D/dovecot.log
info_log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:$DIR/mail/%n/Maildir
mail_privileged_group = mail
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $D/users.d/%n
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$DIR/mail/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 14143
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
protocol imap {
  mail_max_userip_connections = 200
}
CONF
  # One file per user: tests add users while Dovecot runs, and a new file is always read fresh.
  mkdir -p "$D/users.d"
  for u in bot review; do printf '%s:{PLAIN}secret\n' "$u" > "$D/users.d/$u"; done
  chown -R mail:mail "$DIR/mail"
  doveconf -c "$D/dovecot.conf" -n >/dev/null

  cat > "$DIR/virtual-regexp" <<'MAP'
/^list-([a-z0-9]+)@example\.test$/ bot-${1}@example.test
/^kansoku-([a-z0-9]+)@example\.test$/ bot-${1}@example.test
MAP
  cat > "$DIR/list-id-regexp" <<'MAP'
/^list-([a-z0-9]+)@example\.test$/ PREPEND List-Id: Test list <list-${1}.example.test>
MAP
  [ -f /etc/postfix/main.cf ] || cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
  postconf -e \
    'compatibility_level = 3.6' \
    'myhostname = mail.example.test' \
    'inet_interfaces = 127.0.0.1' \
    'inet_protocols = ipv4' \
    'mydestination = localhost' \
    'mynetworks = 127.0.0.0/8' \
    'virtual_mailbox_domains = example.test' \
    'virtual_transport = lmtp:inet:127.0.0.1:10024' \
    "virtual_alias_maps = inline:{ list@example.test=bot@example.test, kansoku@example.test=bot@example.test }, regexp:$DIR/virtual-regexp" \
    "smtpd_recipient_restrictions = check_recipient_access inline:{ { list@example.test = PREPEND List-Id: Test list <list.example.test> } }, check_recipient_access regexp:$DIR/list-id-regexp, permit_mynetworks, reject_unauth_destination" \
    'maillog_file = /dev/stdout' \
    'message_size_limit = 52428800' \
    'smtpd_banner = $myhostname ESMTP'
  postconf -F '*/*/chroot = n'
  postconf -MX smtp/inet 2>/dev/null || true
  postconf -M '127.0.0.1:10025/inet = 127.0.0.1:10025 inet n - n - - smtpd'
  newaliases
  postfix check
}

start() {
  if ! port_open 14143; then
    nohup dovecot -F -c "$D/dovecot.conf" > "$D/stdout.log" 2>&1 &
    echo $! > "$D/dovecot.pid"
  fi
  if ! port_open 10025; then
    nohup postfix start-fg > "$DIR/postfix.log" 2>&1 &
  else
    postfix reload >/dev/null 2>&1 || true
  fi
  wait_port 14143
  wait_port 10024
  wait_port 10025
}

stop() {
  postfix stop >/dev/null 2>&1 || true
  if [ -f "$D/dovecot.pid" ]; then kill -TERM "$(cat "$D/dovecot.pid")" 2>/dev/null || true; rm -f "$D/dovecot.pid"; fi
  for _ in $(seq 1 100); do port_open 14143 || port_open 10025 || return 0; sleep 0.05; done
}

case "${1:-up}" in
  up) install; configure; start ;;
  down) stop ;;
  reset) stop; rm -rf "$DIR/mail"; install; configure; start ;;
  *) echo "usage: $0 up|down|reset" >&2; exit 2 ;;
esac
