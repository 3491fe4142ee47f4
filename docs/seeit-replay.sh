#!/bin/sh
# seeit's replay maker, run by nginx-rtmp when a recording ends (exec_record_done, see
# docs/nginx-rtmp.conf and docs/media-server.md):
#
#   seeit-replay.sh <recorded .flv> <replays folder> <hook file>
#
# The hook file holds the replay-ready hook URL, secret included, on one line: a process's
# arguments are visible to anyone on the host (ps), so neither nginx's call of this script nor
# this script's call of curl carries the URL.
#
# nginx names a recording <stream name>-<unix time>.flv (record_unique on), and the stream name
# is the playback name on_publish renamed it to: the file's name says which broadcast it is.
# Remuxes the recording (no re-encoding) into HLS VOD segments under
# <replays folder>/<playback name>/, rebuilds index.m3u8 from every part of the broadcast (an
# encoder that reconnected within the grace left several, joined with EXT-X-DISCONTINUITY), then
# tells the API the replay is ready with its duration. The API answers 410 when the broadcast or
# its replay is gone (deleted): the folder is removed then.
set -eu
PATH=/usr/local/bin:/usr/bin:/bin
umask 022

flv=$1 root=$2 hook_file=$3
file=$(basename "$flv" .flv)
name=${file%-*}

# Playback names are <id>-<16 base64url characters>: nothing else may name a folder.
if ! printf '%s' "$name" | grep -Eqx '[0-9]{1,20}-[A-Za-z0-9_-]{16}'; then
  echo "seeit-replay: $flv is not named after a playback name" >&2
  rm -f "$flv"
  exit 2
fi
[ -s "$flv" ] || { rm -f "$flv"; exit 0; }

dir=$root/$name
mkdir -p "$dir"
# One broadcast's parts are remuxed one at a time.
exec 9>"$dir/.lock"
flock 9

# A part is named after the time its recording started, so parts sort in order.
part=p${file##*-}
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$flv" -c copy -f hls -hls_time 2 \
  -hls_playlist_type vod -hls_segment_filename "$dir/$part-%04d.ts" "$dir/$part.m3u8.tmp"
mv "$dir/$part.m3u8.tmp" "$dir/$part.m3u8"
rm -f "$flv"

# index.m3u8: every part in order, written aside and renamed so players never read half of it.
awk '
  FNR == 1 && NR > 1 { print "#EXT-X-DISCONTINUITY" > out }
  /^#EXT-X-TARGETDURATION:/ { split($0, t, ":"); if (t[2] + 0 > target) target = t[2] + 0; next }
  /^#EXTINF:/ { split(substr($0, 9), d, ","); total += d[1] }
  /^#EXT(M3U|-X-VERSION|-X-MEDIA-SEQUENCE|-X-PLAYLIST-TYPE|-X-ENDLIST)/ { next }
  { print > out }
  END {
    close(out)
    printf "%d\n", total * 1000 > (out ".ms")
    printf "%d\n", target > (out ".target")
  }
' out="$dir/.body" "$dir"/p*.m3u8
{
  echo '#EXTM3U'
  echo '#EXT-X-VERSION:3'
  echo "#EXT-X-TARGETDURATION:$(cat "$dir/.body.target")"
  echo '#EXT-X-MEDIA-SEQUENCE:0'
  echo '#EXT-X-PLAYLIST-TYPE:VOD'
  cat "$dir/.body"
  echo '#EXT-X-ENDLIST'
} > "$dir/.index.m3u8"
mv "$dir/.index.m3u8" "$dir/index.m3u8"
duration_ms=$(cat "$dir/.body.ms")
rm -f "$dir/.body" "$dir/.body.ms" "$dir/.body.target"
[ "$duration_ms" -gt 0 ] || exit 0

# curl reads the URL from its standard input (a config line), not from its arguments.
hook=$(cat "$hook_file")
status=$(printf 'url = "%s"\n' "$hook" |
  curl -sS -o /dev/null -w '%{http_code}' --retry 5 --retry-delay 2 --retry-all-errors \
    --data-urlencode "name=$name" --data-urlencode "duration_ms=$duration_ms" -K -) || status=000
case $status in
  200) ;;
  410) rm -rf "$dir" ;;
  *) echo "seeit-replay: replay-ready for $name answered $status" >&2; exit 1 ;;
esac
