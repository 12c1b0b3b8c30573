#!/bin/sh
# it-idwords.sh — every kind of bad ID number (R-FILE-7) in the
# operator's language, from each program that words one: idphotoctl id
# and history (the daemon refuses, idphotoctl words its code and values),
# the console, idphotoctl process --id, and roster import. Under zh_CN
# each is Chinese, carries its values (the position, the character, the
# date) and never offers a check character ("should be"); under en it is
# English. The daemon's reply carries the code (--json). Then the
# station's other refusals and questions an operator meets, under zh_CN:
# nothing to retake, a pedal with no ID, an ID keyed in while a shot is
# being checked, the replacement question (not labelled a refusal), a
# finding's severity, and the simulated parts.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp
mkfifo "$tmp/pedal"
sim_conf "$SRCDIR/demo/frames" "hold_ms = 1500;"
export IDPHOTOD_LOCALEDIR="$BUILD/locale"
unset LC_ALL LC_MESSAGES LANG LANGUAGE

# one bad number of each kind: name, number, what the Chinese sentence
# must contain (its values included), what the English one must
GOOD=$(mkid 11010519491231002)
BAD_CHECK=$(echo "$GOOD" | sed 's/.$/1/')
cat >"$tmp/cases" <<EOF
length|12345|身份证号码有 5 位，应为 18 位|has 5 characters; it needs 18
not_digit|1101a519491231002X|身份证号码第 5 位是“a”，不是数字|character 5 of the ID number is 'a', not a digit
last_char|11010519491231002Y|身份证号码最后一位是“Y”，只能是数字或 X|the last character of the ID number is 'Y'
region|01010519491231002X|地区码 010105 不能以 0 开头|the region code 010105 cannot start with 0
birth_old|$(mkid 11010518991231001)|出生日期 18991231 早于 1900 年|the birth date 18991231 is before 1900
birth_date|$(mkid 11010519990230001)|出生日期 19990230 不是真实存在的日期|the birth date 19990230 is not a real date
birth_future|$(mkid 11010520990101001)|出生日期 20990101 晚于今天|the birth date 20990101 is in the future
check|$BAD_CHECK|校验码不符：这不是有效的身份证号码；请对照身份证逐位核对|check every digit against the ID card
EOF

# words FILE CODE ZH|EN WANT: FILE says WANT, in that language, with no
# check character offered
words() {
	f=$1 code=$2 lang=$3 want=$4
	check "$code, $lang: $(head -c 160 "$f" | tr '\n' ' ')" \
		'grep -q -F -- "$want" "$f" && ! grep -q -i "should be" "$f"'
	if [ "$lang" = zh ]; then
		# Chinese all through: the full-width colon after R-FILE-7, and
		# none of the English sentence's words
		check "  $code, zh: no English words" \
			'grep -q "R-FILE-7：" "$f" && ! grep -q -E "characters|not a |birth date|region code|check character|ID number|refused" "$f"'
	fi
}
zh() { LANG=C.UTF-8 LANGUAGE=zh_CN "$@"; }
zh_all() { LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$@"; }
en() { LANG=C.UTF-8 LANGUAGE=en "$@"; }

"$D" -c "$tmp/idphotod.conf" >>"$tmp/log" 2>&1 &
pid=$!
for i in $(seq 50); do "$C" status >/dev/null 2>&1 && break; sleep 0.1; done
check "the daemon is up" '"$C" status >/dev/null 2>&1'

echo "-- idphotoctl id (the daemon refuses, idphotoctl words it)"
while IFS='|' read -r code id want_zh want_en; do
	zh "$C" id "$id" >"$tmp/o" 2>&1
	words "$tmp/o" "$code" zh "$want_zh"
	zh_all "$C" id "$id" >"$tmp/o" 2>&1
	check "  $code, zh (LC_ALL=C.UTF-8 LANGUAGE=zh_CN): Chinese" \
		'grep -q -F -- "$want_zh" "$tmp/o"'
	en "$C" id "$id" >"$tmp/o" 2>&1
	words "$tmp/o" "$code" en "$want_en"
	en "$C" --json id "$id" >"$tmp/o" 2>&1
	check "  $code: the reply carries the code" \
		'[ "$(json id_error <"$tmp/o")" = "$code" ] && [ "$(json code <"$tmp/o")" = BAD_ID ]'
done <"$tmp/cases"
check "a refused ID changed nothing (idle)" '[ "$(state)" = idle ]'

echo "-- idphotoctl history ID"
zh "$C" history 1101a519491231002X >"$tmp/o" 2>&1
words "$tmp/o" not_digit zh "身份证号码第 5 位是“a”，不是数字"

echo "-- the console"
cut -d'|' -f2 "$tmp/cases" >"$tmp/typed"
echo q >>"$tmp/typed"
{ sleep 1; while read -r l; do echo "$l"; sleep 0.3; done <"$tmp/typed"; } |
	zh timeout 30 "$C" console >"$tmp/console" 2>&1
while IFS='|' read -r code id want_zh want_en; do
	check "console, $code: Chinese ($want_zh)" 'grep -q -F -- "$want_zh" "$tmp/console"'
done <"$tmp/cases"
check "console: no check character offered" '! grep -q -i "should be" "$tmp/console"'
check "console: no English ID sentence" \
	'! grep -q -E "characters|not a digit|birth date|region code|check character" "$tmp/console"'

echo "-- idphotoctl process --id (offline)"
while IFS='|' read -r code id want_zh want_en; do
	zh "$C" -c "$tmp/idphotod.conf" process --id "$id" -o "$tmp/out" \
		"$SRCDIR/demo/frames/01-ppp-008.jpg" >"$tmp/o" 2>&1
	check "process, $code: exit 1" '[ $? -eq 1 ]'
	words "$tmp/o" "$code" zh "$want_zh"
done <"$tmp/cases"
check "process: nothing written for a bad ID" '[ -z "$(ls -A "$tmp/out" 2>/dev/null)" ]'

echo "-- idphotoctl roster import"
{ printf '身份证号,姓名\n'; n=0
  while IFS='|' read -r code id want_zh want_en; do n=$((n + 1)); echo "$id,学生$n"; done <"$tmp/cases"; } >"$tmp/roster.csv"
zh "$C" -c "$tmp/idphotod.conf" roster import --dry-run "$tmp/roster.csv" >"$tmp/o" 2>&1
check "roster import refuses the file (exit 1)" '[ $? -eq 1 ]'
line=1
while IFS='|' read -r code id want_zh want_en; do
	line=$((line + 1))
	grep -F "roster.csv:$line:" "$tmp/o" >"$tmp/l"
	words "$tmp/l" "roster line $line ($code)" zh "$want_zh"
done <"$tmp/cases"

echo "-- the station's other answers, under zh_CN"
zh "$C" retake >"$tmp/o" 2>&1
check "retake with nothing keyed in: $(cat "$tmp/o")" 'grep -q "没有可重拍的照片" "$tmp/o"'
zh "$C" shoot >"$tmp/o" 2>&1
check "a pedal with no ID: $(cat "$tmp/o")" 'grep -q "已忽略踏板：请先输入毕业生的身份证号码" "$tmp/o"'
zh "$C" status >"$tmp/o" 2>&1
check "the simulated parts in words: $(grep 模拟 "$tmp/o")" 'grep -q "模拟设备：相机, 灯光, 踏板" "$tmp/o"'
# a shot held 1.5 s by the simulated camera: keying in meanwhile is BUSY
"$C" id "$GOOD" >/dev/null && "$C" shoot >/dev/null
zh "$C" id "$(mkid 44052419900101001)" >"$tmp/o" 2>&1
check "an ID while the shot is checked: $(cat "$tmp/o")" \
	'grep -q "（BUSY）：上一张照片仍在拍摄或检查中：请等待结果" "$tmp/o" && ! grep -q "[a-z]\{4,\}" "$tmp/o"'
wait_state accepted rejected >/dev/null
zh "$C" id "$GOOD" >"$tmp/o" 2>&1
check "the replacement question, in Chinese and not a refusal: $(head -n 1 "$tmp/o")" \
	'grep -q "已有通过的照片" "$tmp/o" && grep -q "如要重新拍摄，请确认替换" "$tmp/o" && ! grep -q "被拒绝\|NEEDS_CONFIRM" "$tmp/o"'
"$C" id "$(mkid 44052419900101001)" >/dev/null && "$C" shoot >/dev/null	# 02: rejected
wait_state rejected >/dev/null
zh "$C" history "$(mkid 44052419900101001)" >"$tmp/o" 2>&1
check "a finding's severity in words (不合格), not fail/warn" \
	'grep -q "^    不合格 R-SUBJ-3" "$tmp/o" && ! grep -q -w "fail\|warn" "$tmp/o"'

stop
[ "$fails" -eq 0 ] || sed 's/^/  log: /' "$tmp/log" | tail -n 20
echo "it-idwords: $fails failed"
[ "$fails" -eq 0 ]
