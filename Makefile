# idphotod — capture station for graduation-certificate ID photos.
#
# A plain Makefile driven by pkg-config. Every folder is a module and builds
# into a static library under build/; the two programs and the tests link
# those. New .c files are picked up by wildcard, so adding a file to a module
# needs no edit here.
#
#   make deps      install the Debian 12 packages (apt-get; idempotent)
#   make           build idphotod and idphotoctl
#   make check     run every test (no hardware needed)
#   make bench     speed and memory benchmark of the photo pipeline
#   make soak      10000 capture cycles (SOAK_CYCLES=N) under load and faults
#   make run       start the demo station on the simulated hardware
#   make install   honours PREFIX and DESTDIR

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
LOCALEDIR  ?= $(DATADIR)/locale
SYSCONFDIR ?= /etc
# systemd and udev say where they read units, rules, sysusers and tmpfiles
# from (systemd.pc, udev.pc); a machine without them gets Debian 12's.
pcvar = $(or $(shell pkg-config --variable=$(2) $(1) 2>/dev/null),$(3))
SYSTEMDDIR  ?= $(call pcvar,systemd,systemdsystemunitdir,/lib/systemd/system)
UDEVDIR     ?= $(call pcvar,udev,udevdir,/lib/udev)/rules.d
SYSUSERSDIR ?= $(call pcvar,systemd,sysusersdir,/usr/lib/sysusers.d)
TMPFILESDIR ?= $(call pcvar,systemd,tmpfilesdir,/usr/lib/tmpfiles.d)
# The release, in one place: the VERSION file (make dist copies it).
VERSION    := $(shell cat VERSION)

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN    += -Werror
endif

# Debian 12 packages. Libraries first, then the tools the tests use as
# oracles (python3-opencv) or to look inside outputs (unzip), then what
# CI needs to build, lint, install and verify the Debian package.
DEB_PKGS = build-essential pkg-config gettext \
	libgphoto2-dev libturbojpeg0-dev libjpeg62-turbo-dev libusb-1.0-0-dev \
	libconfig-dev check opencv-data libsystemd-dev libevdev-dev libexif-dev \
	libxml2-dev libjansson-dev libzip-dev libssl-dev libcsv-dev \
	python3-opencv python3-numpy unzip umockdev libumockdev-dev gphoto2 \
	clang systemd debhelper devscripts lintian fakeroot dpkg-dev

PKGS     = libturbojpeg libjpeg libexif libxml-2.0 libconfig jansson libcrypto \
	   libgphoto2 libusb-1.0 libsystemd libevdev libzip
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

CPPFLAGS += -I. -D_GNU_SOURCE -DLOCALEDIR='"$(LOCALEDIR)"' \
	    -DSYSCONFDIR='"$(SYSCONFDIR)"'
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -pthread -MMD -MP
# libcsv (the roster's CSV) ships no pkg-config file
LDLIBS  += $(PKG_LIBS) -lcsv -lm -pthread

B = build

# Modules: every .c in the folder except the ones holding main().
# daemon/ is idphotod's alone, ctl/ idphotoctl's alone, store/ what both
# share; each program links only its own library and the shared ones.
MAINS       = daemon/idphotod.c ctl/idphotoctl.c
PHOTO_SRC   = $(wildcard photo/*.c)
DAEMON_SRC  = $(filter-out $(MAINS),$(wildcard daemon/*.c))
CTL_SRC     = $(filter-out $(MAINS),$(wildcard ctl/*.c))
STORE_SRC   = $(wildcard store/*.c)
DRIVERS_SRC = $(wildcard drivers/*.c)
LIGHT_SRC   = $(wildcard lighting/*.c)

LIBPHOTO    = $(B)/libphoto.a
LIBDAEMON   = $(B)/libdaemon.a
LIBCTL      = $(B)/libctl.a
LIBSTORE    = $(B)/libstore.a
LIBDRIVERS  = $(B)/libdrivers.a
LIBLIGHT    = $(B)/liblighting.a
ALL_LIBS    = $(LIBDAEMON) $(LIBCTL) $(LIBSTORE) $(LIBLIGHT) $(LIBDRIVERS) \
	      $(LIBPHOTO)
# what each program links, in link order
DAEMON_LIBS = $(LIBDAEMON) $(LIBSTORE) $(LIBLIGHT) $(LIBDRIVERS) $(LIBPHOTO)
# (store/conf.c checks the lighting section with lighting/)
CTL_LIBS    = $(LIBCTL) $(LIBSTORE) $(LIBLIGHT) $(LIBDRIVERS) $(LIBPHOTO)

objs = $(patsubst %.c,$(B)/%.o,$(1))

PROGS = $(B)/idphotoctl
ifneq ($(wildcard daemon/idphotod.c),)
PROGS += $(B)/idphotod
endif

TEST_SRC  = $(wildcard tests/test_*.c)
TEST_BINS = $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
TEST_HELPER_SRC = $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TEST_HELPER_OBJ = $(call objs,$(TEST_HELPER_SRC))

# Where the shared real photos live; tests skip (and say so) without them.
TESTDATA ?= $(abspath ../shared/testdata)
CASCADES ?= /usr/share/opencv4/haarcascades

.PHONY: all deps check check-asan bench soak run install uninstall clean po pot
all: $(PROGS) po

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBPHOTO): $(call objs,$(PHOTO_SRC))
$(LIBDAEMON): $(call objs,$(DAEMON_SRC))
$(LIBCTL): $(call objs,$(CTL_SRC))
$(LIBSTORE): $(call objs,$(STORE_SRC))
$(LIBDRIVERS): $(call objs,$(DRIVERS_SRC))
$(LIBLIGHT): $(call objs,$(LIGHT_SRC))
$(ALL_LIBS):
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $^,ar rcs $@ $^,ar rcs $@)

$(B)/idphotoctl: $(B)/ctl/idphotoctl.o $(CTL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CTL_LIBS) $(LDLIBS)
$(B)/idphotod: $(B)/daemon/idphotod.o $(DAEMON_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(DAEMON_LIBS) $(LDLIBS)

$(B)/tests/%: $(B)/tests/%.o $(TEST_HELPER_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(ALL_LIBS) \
		$(LDLIBS) $(CHECK_LIBS)

# Hardware paths under umockdev (tests/devices/): the pedal through evdev,
# the DMX interfaces through libusb, the camera through libgphoto2's USB
# port, and usbmock, which runs a program against an emulated USB device.
# They link libumockdev; without it they build as a SKIP.
UMOCK_TESTS = $(B)/tests/test_pedal_evdev $(B)/tests/test_dmx_libusb \
	$(B)/tests/test_cam_gphoto_usb
USBMOCK = $(B)/tests/tools/usbmock
ifneq ($(shell pkg-config --exists umockdev-1.0 2>/dev/null && echo y),)
$(patsubst %,%.o,$(UMOCK_TESTS) $(USBMOCK)): CPPFLAGS += -DHAVE_UMOCKDEV \
	$(shell pkg-config --cflags umockdev-1.0)
$(UMOCK_TESTS) $(USBMOCK): LDLIBS += $(shell pkg-config --libs umockdev-1.0)
endif
$(USBMOCK): $(B)/tests/tools/usbmock.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)
check: $(USBMOCK)

# A tool of the integration tests: variants of real photos.
MKVARIANT = $(B)/tests/tools/mkvariant
$(MKVARIANT): $(B)/tests/tools/mkvariant.o $(TEST_HELPER_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(ALL_LIBS) \
		$(LDLIBS) $(CHECK_LIBS)

# A PTP/IP camera on loopback, for the libgphoto2 driver's tests.
FAKEPTPIP = $(B)/tests/tools/fakeptpip
$(FAKEPTPIP): $(B)/tests/tools/fakeptpip.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# Translations: po/<lang>.po -> build/locale/<lang>/LC_MESSAGES/idphotod.mo
# po/LINGUAS names the catalogues that are built and installed.
LINGUAS  = $(shell sed 's/\#.*//' po/LINGUAS)
MO_FILES = $(patsubst %,$(B)/locale/%/LC_MESSAGES/idphotod.mo,$(LINGUAS))
po: $(MO_FILES)
$(B)/locale/%/LC_MESSAGES/idphotod.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Tests run one binary at a time (CK_FORK isolates each case) plus the
# shell-driven integration tests under tests/*.sh.
check: all $(TEST_BINS) $(MKVARIANT) $(FAKEPTPIP)
	@TESTDATA='$(TESTDATA)' CASCADES='$(CASCADES)' BUILD='$(abspath $(B))' \
		SRCDIR='$(CURDIR)' tests/run-tests $(TEST_BINS)
	@$(MAKE) --no-print-directory check-asan

# The daemon's tests again on a second build, build-asan/, with
# AddressSanitizer and UBSan: every sanitizer report is fatal (the
# program exits 99) and so fails its test.
ASAN_B       = build-asan
ASAN_CFLAGS  = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	       -fno-sanitize-recover=all
ASAN_TESTS   = $(filter $(patsubst %,$(B)/tests/%,$(ASAN_UNITS)),$(TEST_BINS))
ASAN_UNITS   = test_queue test_journal test_control test_station test_fsutil
ASAN_SCRIPTS = it-sigterm.sh it-daemon.sh it-override.sh
check-asan:
	@$(MAKE) --no-print-directory B=$(ASAN_B) CFLAGS='$(ASAN_CFLAGS)' \
		LDFLAGS='-fsanitize=address,undefined' \
		$(ASAN_B)/idphotod $(ASAN_B)/idphotoctl \
		$(patsubst $(B)/%,$(ASAN_B)/%,$(ASAN_TESTS))
	@echo "=== the same under AddressSanitizer and UBSan ($(ASAN_B)/)"
	@ASAN_OPTIONS='halt_on_error=1:exitcode=99:detect_leaks=1' \
		UBSAN_OPTIONS='halt_on_error=1:print_stacktrace=1:exitcode=99' \
		TESTDATA='$(TESTDATA)' CASCADES='$(CASCADES)' \
		BUILD='$(abspath $(ASAN_B))' SRCDIR='$(CURDIR)' \
		TEST_SCRIPTS='$(ASAN_SCRIPTS)' tests/run-tests \
		$(patsubst $(B)/%,$(ASAN_B)/%,$(ASAN_TESTS))

deps:
	@if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	$$SUDO apt-get update && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $(DEB_PKGS)

BENCH_BINS = $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))
$(B)/bench/%: $(B)/bench/%.o $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(ALL_LIBS) $(LDLIBS)
bench: all $(BENCH_BINS)
	@TESTDATA='$(TESTDATA)' CASCADES='$(CASCADES)' BUILD='$(abspath $(B))' \
		bench/run-bench

# capture cycles through the daemon under load and faults, RSS and fds
SOAK_CYCLES ?= 10000
soak: all
	@BUILD='$(abspath $(B))' SRCDIR='$(CURDIR)' SOAK_CYCLES='$(SOAK_CYCLES)' \
		bench/soak

run: all
	@BUILD='$(abspath $(B))' SRCDIR='$(CURDIR)' demo/run-demo

# --- Installing, releasing and packaging ---------------------------------
# The paths and the version compiled in: every object is rebuilt when one
# changes, so `make && sudo make install PREFIX=/usr` looks for its
# catalogues where it installs them (the stamp changes only with them).
PATHS_STAMP = $(B)/paths.stamp
PATHS_SEEN  = LOCALEDIR=$(LOCALEDIR) SYSCONFDIR=$(SYSCONFDIR) VERSION=$(VERSION)
$(PATHS_STAMP): FORCE
	@mkdir -p $(B)
	@echo '$(PATHS_SEEN)' | cmp -s - $@ || echo '$(PATHS_SEEN)' > $@
$(call objs,$(wildcard */*.c */*/*.c)): $(PATHS_STAMP)
CPPFLAGS += -DIDPHOTOD_VERSION='"$(VERSION)"'
FORCE:

# make install puts in place exactly what make uninstall removes: the
# programs, their manuals, the unit, the udev rules, the sysusers and
# tmpfiles snippets, the catalogues, and the config unless one exists.
# The config is the real camera's; the demo (make run) writes its own.
CONF_DIR = $(DESTDIR)$(SYSCONFDIR)/idphotod
INSTALLED = $(BINDIR)/idphotoctl $(SBINDIR)/idphotod \
	$(MANDIR)/man1/idphotoctl.1 $(MANDIR)/man8/idphotod.8 \
	$(SYSTEMDDIR)/idphotod.service $(UDEVDIR)/70-idphotod.rules \
	$(SYSUSERSDIR)/idphotod.conf $(TMPFILESDIR)/idphotod.conf \
	$(patsubst $(B)/locale/%,$(LOCALEDIR)/%,$(MO_FILES))
MAN_OS = sed 's/^\.Os.*/.Os idphotod $(VERSION)/'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 $(CONF_DIR) \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(UDEVDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 755 $(B)/idphotoctl $(DESTDIR)$(BINDIR)/idphotoctl
	install -m 755 $(B)/idphotod $(DESTDIR)$(SBINDIR)/idphotod
	$(MAN_OS) man/idphotoctl.1 > $(DESTDIR)$(MANDIR)/man1/idphotoctl.1
	$(MAN_OS) man/idphotod.8 > $(DESTDIR)$(MANDIR)/man8/idphotod.8
	chmod 644 $(DESTDIR)$(MANDIR)/man1/idphotoctl.1 \
		$(DESTDIR)$(MANDIR)/man8/idphotod.8
	@if [ -e $(CONF_DIR)/idphotod.conf ]; then \
		echo "$(CONF_DIR)/idphotod.conf exists: kept as it is"; \
	else \
		echo install -m 644 conf/idphotod.conf $(CONF_DIR)/idphotod.conf; \
		install -m 644 conf/idphotod.conf $(CONF_DIR)/idphotod.conf; \
	fi
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/idphotod.service > $(DESTDIR)$(SYSTEMDDIR)/idphotod.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/idphotod.service
	install -m 644 systemd/70-idphotod.rules $(DESTDIR)$(UDEVDIR)/70-idphotod.rules
	install -m 644 systemd/idphotod.sysusers $(DESTDIR)$(SYSUSERSDIR)/idphotod.conf
	install -m 644 systemd/idphotod.tmpfiles $(DESTDIR)$(TMPFILESDIR)/idphotod.conf
	for mo in $(MO_FILES); do \
		l=$${mo#$(B)/locale/}; \
		install -D -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l; \
	done

# The config goes only if it is still the one installed (an edited config
# is the studio's calibration, and stays). The station's state under
# /var/lib/idphotod is never make's to remove.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@if [ -e $(CONF_DIR)/idphotod.conf ] && \
	    ! cmp -s conf/idphotod.conf $(CONF_DIR)/idphotod.conf; then \
		echo "$(CONF_DIR)/idphotod.conf was edited: kept"; \
	else \
		echo rm -f $(CONF_DIR)/idphotod.conf; \
		rm -f $(CONF_DIR)/idphotod.conf; \
	fi
	-rmdir $(CONF_DIR) 2>/dev/null

# make dist: build/idphotod-VERSION.tar.gz, the files git tracks (from
# the working tree, so uncommitted edits go too), under idphotod-VERSION/.
DIST = idphotod-$(VERSION)
dist:
	@mkdir -p $(B)
	git ls-files -z | tar --null -T - --transform 's|^|$(DIST)/|' \
		--owner=0 --group=0 --sort=name -czf $(B)/$(DIST).tar.gz
	@echo $(B)/$(DIST).tar.gz

# make deb: the Debian package, built from the dist tarball in build/deb
# (so the tarball is known to build, and dpkg-buildpackage's outputs land
# there rather than beside the source folder). DEB_BUILD_OPTIONS=nocheck
# skips the test suite inside the package build.
deb: dist
	rm -rf $(B)/deb && mkdir -p $(B)/deb
	tar -xzf $(B)/$(DIST).tar.gz -C $(B)/deb
	cd $(B)/deb/$(DIST) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(B)/deb/*.changes
	@ls $(B)/deb/*.deb

# The message template, extracted in the build: po/idphotod.pot is stale
# when its msgids differ from $(B)/po/idphotod.pot. `make pot` refreshes
# it (then msgmerge each po/<lang>.po); `make pot-check` fails when stale.
POT_SRC = $(sort $(wildcard daemon/*.c ctl/*.c store/*.c photo/*.c \
	drivers/*.c lighting/*.c))
POT_IDS = msgcat --no-location --no-wrap --sort-output $(1) | \
	grep -v '^"POT-Creation-Date:'
# The page's words are in the same catalogue: xgettext reads its
# JavaScript (_() and N_()), and each data-i18n="..." of its HTML becomes
# a _("...") on the same line of a stand-in file, named back after.
POT_JS   = $(sort $(wildcard web/page/*.js))
POT_HTML = $(sort $(wildcard web/page/*.html))
$(B)/po/idphotod.pot: $(POT_SRC) $(POT_JS) $(POT_HTML)
	@mkdir -p $(dir $@) $(B)/po/html
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 \
		--package-name=idphotod --package-version=$(VERSION) \
		--msgid-bugs-address= -o $@ $(POT_SRC)
	for f in $(POT_HTML); do \
		sed -e 's/^.*$$/&\n/' -e 's/data-i18n="\([^"]*\)"/\n_("\1");\n/g' $$f | \
		    awk 'BEGIN { RS = "\n\n"; ORS = "\n" } { n = split($$0, p, "\n"); \
			l = ""; for (i = 1; i <= n; i++) if (p[i] ~ /^_\(".*"\);$$/) l = l p[i]; print l }' \
		    > $(B)/po/html/$$(basename $$f).js; \
	done
	xgettext -j --language=JavaScript --keyword=_ --keyword=N_ \
		--msgid-bugs-address= \
		--from-code=UTF-8 -o $@ $(POT_JS) \
		$(addprefix $(B)/po/html/,$(addsuffix .js,$(notdir $(POT_HTML))))
	sed -i 's|$(B)/po/html/\([a-z]*\.html\)\.js|web/page/\1|g' $@
pot: $(B)/po/idphotod.pot
	cp $< po/idphotod.pot
pot-check: $(B)/po/idphotod.pot
	@$(call POT_IDS,po/idphotod.pot) > $(B)/po/shipped.ids
	@$(call POT_IDS,$<) > $(B)/po/built.ids
	@n=$$(grep -c '^msgid' $(B)/po/shipped.ids); \
	m=$$(grep -c '^msgid' $(B)/po/built.ids); \
	if ! diff -u $(B)/po/shipped.ids $(B)/po/built.ids; then \
		echo "po/idphotod.pot is stale ($$n msgids; the sources have $$m): make pot"; \
		exit 1; \
	fi; echo "po/idphotod.pot: $$n msgids, up to date"
	@for l in $(LINGUAS); do \
		u=$$(msgmerge --quiet -o - po/$$l.po $< | \
		    msgattrib --untranslated --no-obsolete | grep -c '^msgid' || :); \
		echo "po/$$l.po: $${u:-0} msgids untranslated (the header counts 1 when any)"; \
		[ "$${u:-0}" -eq 0 ] || exit 1; \
	done
	@# one word for the person photographed: 毕业生
	@if grep -n '^msgstr.*\(考生\|被拍者\)\|^".*\(考生\|被拍者\)' po/zh_CN.po; then \
		echo "po/zh_CN.po: the graduate is 毕业生, not 考生 or 被拍者"; exit 1; fi

# For tests/it-install.sh: where make install puts things, as sh.
print-install-paths:
	@$(foreach v,BINDIR SBINDIR MANDIR LOCALEDIR SYSCONFDIR SYSTEMDDIR \
		UDEVDIR SYSUSERSDIR TMPFILESDIR,echo '$(v)=$($(v))';)

.PHONY: dist deb pot-check print-install-paths FORCE

clean:
	rm -rf $(B) $(ASAN_B)

include tests/fuzz/fuzz.mk
# (not inside build/deb, the package's own build tree)
-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)

# --- accuracy (issue 16): the validator's verdicts on real photos with
# known verdicts: ../shared/testdata/devset/expect.tsv and the labelled
# shared photos (tests/accuracy-shared.tsv). tests/it-accuracy.sh runs the
# same scorer under make check against the ratchet tests/accuracy-ratchet.
ACCURACY = $(B)/tests/tools/accuracy
$(ACCURACY): $(B)/tests/tools/accuracy.o $(TEST_HELPER_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(ALL_LIBS) \
		$(LDLIBS) $(CHECK_LIBS)
check: $(ACCURACY)
.PHONY: accuracy
accuracy: $(ACCURACY)
	@test -d '$(TESTDATA)/devset' || { echo "accuracy: no $(TESTDATA)/devset"; exit 1; }
	@CASCADES='$(CASCADES)' $(ACCURACY) --ratchet tests/accuracy-ratchet \
		devset:'$(TESTDATA)/devset/expect.tsv':'$(TESTDATA)/devset' \
		shared:tests/accuracy-shared.tsv:'$(TESTDATA)'

# ---- idphoto-web: the operator's page (web/), a client of the control
# socket like idphotoctl, with libmicrohttpd; it reads the config through
# store/ (the shared config module) and uses no other station module.
# The browser tests (tests/it-web.sh) drive Debian's chromium through
# chromium-driver and python3-selenium, and firefox-esr through its own
# Marionette protocol (tests/web/marionette.py: Debian 12 has no
# geckodriver).
DEB_PKGS   += libmicrohttpd-dev chromium chromium-driver python3-selenium \
	      fonts-wqy-zenhei firefox-esr
WEB_SRC     = $(wildcard web/*.c)
WEB_OBJ     = $(call objs,$(WEB_SRC))
WEB_LIBS   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
WEBDIR     ?= $(DATADIR)/idphotod/web
$(WEB_OBJ): CPPFLAGS += $(shell pkg-config --cflags libmicrohttpd \
	    2>/dev/null) -DDATADIR='"$(DATADIR)"'
$(B)/idphoto-web: $(WEB_OBJ) $(LIBSTORE) $(LIBLIGHT) $(LIBDRIVERS) $(LIBPHOTO)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(WEB_OBJ) $(LIBSTORE) $(LIBLIGHT) \
		$(LIBDRIVERS) $(LIBPHOTO) \
		$(WEB_LIBS) $(LDLIBS)
all check run: $(B)/idphoto-web
install: install-web
uninstall: uninstall-web
.PHONY: install-web uninstall-web
install-web: $(B)/idphoto-web
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(WEBDIR) \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/idphoto-web $(DESTDIR)$(SBINDIR)/idphoto-web
	install -m 644 man/idphoto-web.8 $(DESTDIR)$(MANDIR)/man8/idphoto-web.8
	install -m 644 web/page/*.html web/page/*.css web/page/*.js \
		$(DESTDIR)$(WEBDIR)/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		-e 's|@WEBDIR@|$(WEBDIR)|g' -e 's|@LOCALEDIR@|$(LOCALEDIR)|g' \
		systemd/idphoto-web.service \
		> $(DESTDIR)$(SYSTEMDDIR)/idphoto-web.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/idphoto-web.service
	install -m 644 systemd/idphoto-web.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/idphoto-web.conf
# the page under load alone (make check runs it too, in it-web.sh): 20
# tabs, 1000 events in a burst, memory (README)
.PHONY: web-load
web-load: all $(FAKEPTPIP)
	@IDPHOTO_WEB_TESTS=load TESTDATA='$(TESTDATA)' CASCADES='$(CASCADES)' \
		BUILD='$(abspath $(B))' SRCDIR='$(CURDIR)' sh tests/it-web.sh
uninstall-web:
	rm -f $(DESTDIR)$(SBINDIR)/idphoto-web \
		$(DESTDIR)$(MANDIR)/man8/idphoto-web.8 \
		$(DESTDIR)$(SYSTEMDDIR)/idphoto-web.service \
		$(DESTDIR)$(SYSUSERSDIR)/idphoto-web.conf
	rm -rf $(DESTDIR)$(WEBDIR)
