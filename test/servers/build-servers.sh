#!/usr/bin/env bash
# Builds Valkey 9.x and the newest Redis 8.x from Debian's source packages, OUTSIDE the repository:
#   $RCM_SERVERS_HOME/redis8/bin/{redis-server,redis-cli}   + redis8/VERSION
#   $RCM_SERVERS_HOME/valkey9/bin/{valkey-server,valkey-cli} + valkey9/VERSION
# (RCM_SERVERS_HOME defaults to ~/.cache/rcm-servers; the test harness reads that layout.)
# A private apt configuration under $RCM_SERVERS_HOME/apt (own sources.list, lists, cache, status) holds
# `deb-src` lines for Debian's sid and experimental on the same archive the machine's apt sources use, so
# the machine's own apt state is never touched. `apt-get source` needs no root; missing build tools are
# installed with the machine's apt-get (root or sudo). Each build is `make BUILD_TLS=no -j2` in the
# unpacked source. A kind whose binaries and VERSION exist is skipped: a second run is instant.
# Usage: build-servers.sh [redis8] [valkey9]   (default: both)
set -euo pipefail
HOME_DIR=${RCM_SERVERS_HOME:-$HOME/.cache/rcm-servers}
KINDS=("$@")
[ ${#KINDS[@]} -gt 0 ] || KINDS=(redis8 valkey9)

# kind -> source package, version prefix, binary names
pkg_of() { case "$1" in redis8) echo redis ;; valkey9) echo valkey ;; *) echo "unknown kind: $1" >&2; exit 2 ;; esac; }
major_of() { case "$1" in redis8) echo 8 ;; valkey9) echo 9 ;; esac; }
bins_of() { case "$1" in redis8) echo "redis-server redis-cli" ;; valkey9) echo "valkey-server valkey-cli" ;; esac; }

built() {
  local kind=$1 b
  [ -s "$HOME_DIR/$kind/VERSION" ] || return 1
  for b in $(bins_of "$kind"); do [ -x "$HOME_DIR/$kind/bin/$b" ] || return 1; done
}

todo=()
for k in "${KINDS[@]}"; do built "$k" || todo+=("$k"); done
if [ ${#todo[@]} -eq 0 ]; then
  for k in "${KINDS[@]}"; do echo "$k $(cat "$HOME_DIR/$k/VERSION") (cached in $HOME_DIR/$k)"; done
  exit 0
fi

# The Debian archive the machine's own apt uses: the first `deb` source whose suites are not *-security.
archive_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: blank-line separated; take URIs of stanzas with Types: deb and a non-security suite.
    awk 'BEGIN{RS=""; FS="\n"}
      {
        types=""; uris=""; suites="";
        for (i=1;i<=NF;i++) {
          if ($i ~ /^Types:/) types=$i; if ($i ~ /^URIs:/) uris=$i; if ($i ~ /^Suites:/) suites=$i;
        }
        if (types ~ /[[:space:]]deb([[:space:]]|$)/ && suites !~ /-security/ && uris != "") {
          sub(/^URIs:[[:space:]]*/, "", uris); split(uris, u, /[[:space:]]+/); print u[1]; exit
        }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # one-line form: deb [opts] URI suite components...
    sed -e 's/#.*//' "$f" | awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i+1) !~ /-security/) { print $i; exit } }'
  done
}
ARCHIVE=$(archive_uri | grep -m1 -E '^(https?|file|mirror)' || true)
if [ -z "$ARCHIVE" ]; then
  echo "build-servers: no Debian archive found in /etc/apt/sources.list* (a 'deb' source is needed)" >&2
  exit 1
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

APT="$HOME_DIR/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc/sources.list.d" "$APT/etc/preferences.d" "$APT/src"
: >"$APT/status"
SIGNED=""
[ -f "$KEYRING" ] && SIGNED="[signed-by=$KEYRING] "
cat >"$APT/etc/sources.list" <<EOF
deb-src ${SIGNED}$ARCHIVE sid main
deb-src ${SIGNED}$ARCHIVE experimental main
EOF
apt_private=(
  -o "Dir::Etc::SourceList=$APT/etc/sources.list"
  -o "Dir::Etc::SourceParts=$APT/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$APT/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$APT/etc/preferences.d"
  -o "Dir::State=$APT"
  -o "Dir::State::Lists=$APT/lists"
  -o "Dir::State::status=$APT/status"
  -o "Dir::Cache=$APT/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)

# Build tools the machine lacks (make, a C compiler, pkg-config, dpkg-source for unpacking).
need=()
command -v make >/dev/null 2>&1 || need+=(make)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
  echo "--- apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "--- private apt: deb-src sid + experimental on $ARCHIVE"
apt-get "${apt_private[@]}" -qq update

# Newest source version of PKG whose upstream version starts with MAJOR.
newest_version() {
  local pkg=$1 major=$2 best="" v
  for v in $(apt-cache "${apt_private[@]}" showsrc "$pkg" 2>/dev/null | awk '/^Version:/ {print $2}'); do
    case "${v#*:}" in "$major".*) ;; *) continue ;; esac
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  echo "$best"
}

for kind in "${todo[@]}"; do
  pkg=$(pkg_of "$kind"); major=$(major_of "$kind")
  version=$(newest_version "$pkg" "$major")
  if [ -z "$version" ]; then
    echo "build-servers: no $pkg $major.x source package in sid/experimental on $ARCHIVE" >&2
    exit 1
  fi
  upstream=${version#*:}; upstream=${upstream%-*}
  work="$APT/src/$kind"
  echo "--- $kind: apt-get source $pkg=$version"
  rm -rf "$work"; mkdir -p "$work"
  (cd "$work" && apt-get "${apt_private[@]}" -qq source "$pkg=$version" >/dev/null)
  srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
  [ -n "$srcdir" ] || { echo "build-servers: $pkg source did not unpack in $work" >&2; exit 1; }
  echo "--- $kind: make BUILD_TLS=no -j2 in $srcdir"
  start=$(date +%s)
  (cd "$srcdir" && make BUILD_TLS=no -j2 >"$work/build.log" 2>&1) || {
    echo "build-servers: $kind build failed; last lines of $work/build.log:" >&2; tail -30 "$work/build.log" >&2; exit 1; }
  mkdir -p "$HOME_DIR/$kind/bin"
  for b in $(bins_of "$kind"); do install -m 0755 "$srcdir/src/$b" "$HOME_DIR/$kind/bin/$b"; done
  echo "$upstream" >"$HOME_DIR/$kind/VERSION"
  # The unpacked source stays (its reply formats are what the engine parses); SOURCE names it.
  echo "$srcdir" >"$HOME_DIR/$kind/SOURCE"
  echo "--- $kind $upstream built in $(( $(date +%s) - start )) s"
done
for k in "${KINDS[@]}"; do
  set -- $(bins_of "$k")
  "$HOME_DIR/$k/bin/$1" --version
done
