#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: headless Chromium
# (pages), Graphviz (static network pictures), raptor (an independent RDF parser),
# wrk (bounded load tests) and Virtuoso 7 (the second real triple store the
# remote backend is tested against; only its server binary, no system service).
# Skips what is already there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource-7-bin)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "histgraph: missing Debian packages: ${need[*]}" >&2
  echo "  install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "histgraph: installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
