#!/usr/bin/env bash
# archive.sh: the tree as a tarball, for `make dist` (a release) and `make handout` (without the
# exercises' solutions). At the top of a git checkout it is the last commit's tree (git archive:
# not the files as edited here); in a copy that is no checkout of its own (a release unpacked, or
# make sanitize's copy under build/), the files there but bin/, build/, results/ and tarballs.
# Either way a file VERSION holds VERSION, so that a build of the tarball, where there is no git,
# reports it (the Makefile reads it first).
#
#   scripts/run/archive.sh OUT.tar.gz TOP VERSION [LEFT-OUT-PATH...]
#   TOP: the folder every path in the tarball starts with (parlab-1.2: parlab-1.2/Makefile, ...)
set -u
{ # read whole before it runs
cd "$(dirname "$0")/../.." || exit 1
[ $# -ge 3 ] || { echo "usage: scripts/run/archive.sh OUT.tar.gz TOP VERSION [LEFT-OUT-PATH...]" >&2; exit 2; }
out=$1 top=$2 version=$3
shift 3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$top" "$(dirname "$out")" || exit 1
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
    git archive --format=tar HEAD -- . "${@/#/:(exclude)}" | tar -xf - -C "$stage/$top" || exit 1
else
    tar -cf - --exclude=./bin --exclude=./build --exclude=./results --exclude=./.git \
        --exclude='./parlab-*.tar.gz' "${@/#/--exclude=./}" . | tar -xf - -C "$stage/$top" || exit 1
fi
echo "$version" >"$stage/$top/VERSION"
tar -czf "$out" -C "$stage" "$top"
exit
}
