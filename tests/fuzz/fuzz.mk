# tests/fuzz/fuzz.mk — the fuzz targets, included by the Makefile.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='fuzz_x ...']
#       builds every tests/fuzz/fuzz_*.c with clang, libFuzzer, ASan and
#       UBSan in build-fuzz/ (from the sources directly, not from build/),
#       makes seed corpora from $(TESTDATA), and runs each target for
#       FUZZ_SECONDS. Any crash, sanitizer report or leak fails the run;
#       the input is kept in build-fuzz/artifacts/<target>/.
#   make check
#       also builds each target against tests/fuzz/replay.c with the
#       project's compiler and runs it over its committed corpus
#       (tests/fuzz/corpus/<target>/: small seeds and every reproducer
#       of a bug a fuzzer found), see tests/it-fuzz-corpus.sh.
#
# Only the project's code is instrumented: libjpeg-turbo, libexif,
# libconfig, jansson and the rest are Debian's shared libraries, so the
# sanitizers see our side of each call, not their insides.

FZ            = build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -g -O1 $(WARN) $(FUZZ_SAN) $(PKG_CFLAGS) -pthread \
		-MMD -MP

# The project's code the targets call into: every module but the mains.
FUZZ_LIB_SRC  = $(filter-out $(MAINS),$(wildcard photo/*.c store/*.c \
		daemon/*.c ctl/*.c lighting/*.c drivers/*.c))
FUZZ_ALL      = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS     = $(addprefix $(FZ)/,$(FUZZ_ALL))
FUZZ_HELPERS  = tests/fuzz/fuzzutil.c
FUZZ_REPLAY   = $(patsubst %,$(B)/tests/fuzz/%-replay,$(FUZZ_ALL))

# photos the JPEG seeds are made from (small ones, and a few kinds)
FUZZ_PHOTOS   = portraits/ppp-013.jpg portraits/hivision-test0.jpg \
		portraits/london-036.jpg portraits/ppp-008.jpg \
		pose/ppp-yaw-L4.jpg multi-face/opencv-messi5.jpg \
		no-face/opencv-baboon.jpg

.PHONY: fuzz fuzz-build fuzz-seeds

$(FZ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

$(FZ)/libidphoto.a: $(patsubst %.c,$(FZ)/%.o,$(FUZZ_LIB_SRC))
	rm -f $@
	ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(patsubst %.c,$(FZ)/%.o,\
		$(FUZZ_HELPERS)) $(FZ)/libidphoto.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# the seed maker needs no instrumentation
$(FZ)/mkseed: tests/fuzz/mkseed.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O1 -g -o $@ $< -ljpeg

# JPEG seeds: each photo at 96, 200 and 400 px in six encodings, and the
# bad files under 64 KB
$(FZ)/seeds/jpeg.made: $(FZ)/mkseed
	rm -rf $(FZ)/seeds/jpeg && mkdir -p $(FZ)/seeds/jpeg
	@if [ -d '$(TESTDATA)' ]; then \
		for l in 96 200 400; do \
			$(FZ)/mkseed $(FZ)/seeds/jpeg $$l $(addprefix $(TESTDATA)/,\
			    $(FUZZ_PHOTOS)) || exit 1; \
		done; \
		find '$(TESTDATA)/bad-files' -type f -size -64k \
		    -exec cp {} $(FZ)/seeds/jpeg \; ; \
	else \
		echo "fuzz: no $(TESTDATA), JPEG targets start from their" \
		    "committed corpus only"; \
	fi
	touch $@

fuzz-build: $(FUZZ_BINS)
fuzz-seeds: $(FZ)/seeds/jpeg.made

fuzz: fuzz-build fuzz-seeds
	@FZ='$(FZ)' SRCDIR='$(CURDIR)' CASCADES='$(CASCADES)' \
		FUZZ_SECONDS='$(FUZZ_SECONDS)' tests/fuzz/run-fuzz $(FUZZ_TARGETS)

# make check: every target, replayed over its committed corpus
$(B)/tests/fuzz/%-replay: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay.o \
		$(call objs,$(FUZZ_HELPERS)) $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
check: $(FUZZ_REPLAY)

clean: clean-fuzz
.PHONY: clean-fuzz
clean-fuzz:
	rm -rf $(FZ)

-include $(shell find $(FZ) -name '*.d' 2>/dev/null)
