#!/usr/bin/env bash
# Compiles the service's assemblies and its heaviest dependencies ahead of time (ReadyToRun), in place, in a test
# project's output folder (NotificationService.Tests.csproj runs it after a Release build on linux-x64).
#
# Why: the specs start the service binary some 180 times (hosting specs, CLI specs, the bench smoke's phases), and each
# process spent most of its first seconds in the JIT. The same assemblies a publish with PublishReadyToRun would make;
# the code and its behaviour are unchanged, the runtime just finds most methods compiled already.
#
#   bash tests/ready-to-run.sh <output folder> <crossgen2> <dotnet's shared folder> <cache folder>
#
# Incremental: each compiled image is kept in the cache beside the IL file's size and time it was made from, so a
# rebuild that copied the IL file back costs a copy, not a compile. A file that does not compile stays IL (a warning).
set -euo pipefail

key() { stat -c '%s-%Y' "$1"; }

if [[ ${1:-} == --one ]]; then
  # One assembly: <cache> <file>. Compiles into the cache only: the output folder's files are the other compiles'
  # references, and one replaced while a compile reads it fails that compile ("Read out of bounds").
  cache=$2 file=$3
  state="$cache/$file.state"
  now=$(key "$file")
  if [[ -f $state ]]; then
    read -r il image < "$state"
    [[ $now == "$image" || ( $now == "$il" && -f $cache/$file ) ]] && exit 0   # compiled already, or the IL copied back
  fi
  if "$R2R_CROSSGEN" "$file" -o "$cache/$file.tmp" -r "$R2R_FW/*.dll" -r "$R2R_ASP/*.dll" -r "$PWD/*.dll" \
       --targetos:linux --targetarch:x64 -O > "$cache/$file.log" 2>&1; then
    mv "$cache/$file.tmp" "$cache/$file"
    echo "$now $(key "$cache/$file")" > "$state"
  else
    rm -f "$cache/$file.tmp" "$state"
    echo "ready-to-run: warning: $file stays IL (crossgen2 failed: $cache/$file.log)" >&2
  fi
  exit 0
fi

self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
out=$1 crossgen=$2 shared=$3 cache=$4
if [[ ! -x $crossgen ]]; then echo "ready-to-run: warning: no crossgen2 at $crossgen; the specs run on JIT-compiled code" >&2; exit 0; fi
export R2R_CROSSGEN=$crossgen
R2R_FW=$(ls -d "$shared"/Microsoft.NETCore.App/*/ | sort -V | tail -1); export R2R_FW=${R2R_FW%/}
R2R_ASP=$(ls -d "$shared"/Microsoft.AspNetCore.App/*/ | sort -V | tail -1); export R2R_ASP=${R2R_ASP%/}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
cd "$out"

# The service's own assemblies and the dependencies whose methods its start and first minute compiled most (Npgsql,
# Hangfire and Newtonsoft.Json under it, EF Core, System.CommandLine, the MCP SDK, …). The largest ones that a start hardly
# touches (Twilio's, BouncyCastle, MimeKit) would double the compile for a small share of the gain.
shopt -s nullglob
files=(NotificationService*.dll Npgsql*.dll Hangfire*.dll Newtonsoft.Json.dll System.CommandLine*.dll
       Microsoft.EntityFrameworkCore*.dll ModelContextProtocol*.dll Handlebars*.dll Dapper*.dll Prometheus*.dll OpenTelemetry*.dll)
files=("${files[@]/NotificationService.Tests.dll}")
printf '%s\n' "${files[@]}" | grep . | xargs -P "$(nproc)" -I{} bash "$self" --one "$cache" {}
# Then the images over the IL files they were made from (cp -p: the same size and time, which the next run reads as done).
for file in "${files[@]}"; do
  [[ -n $file && -f $cache/$file.state ]] || continue
  read -r il image < "$cache/$file.state"
  [[ $(key "$file") == "$il" ]] && cp -p "$cache/$file" "$file"
done
exit 0
