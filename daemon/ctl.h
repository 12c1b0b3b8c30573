/*
 * ctl.h — the interface of the daemon/ module (prefix ctl_): what
 * idphotod and idphotoctl share: the configuration file, the masking of
 * ID numbers in logs, and creating folders.
 *
 * The configuration is one plain struct with fixed-size buffers, so that
 * a reload can parse into a fresh struct and swap it in only when the
 * whole file parsed (OpenBSD style), and so that copies are cheap.
 */
#ifndef CTL_H
#define CTL_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "photo/photo.h"

#define CTL_VERSION		"0.1"
#define CTL_DEFAULT_CONFIG	SYSCONFDIR "/idphotod/idphotod.conf"

struct ctl_conf {
	photo_params photo;		/* section photo { } */
	char	output_dir[PATH_MAX];	/* output.dir: where <ID>.jpg go */
	char	state_dir[PATH_MAX];	/* output.state_dir: journal, archive */
	char	ext[8];			/* photo.file.extension (R-FILE-6) */
};

/* Fills *c with the defaults documented in conf/idphotod.conf. */
void	ctl_conf_default(struct ctl_conf *c);

/*
 * Parses path into *c, starting from the defaults: every key is
 * optional. Unknown keys and values out of range are errors. Returns 0,
 * or -1 with "file:line: what" in err; *c is then unspecified (parse
 * into a scratch struct and copy on success).
 */
int	ctl_conf_load(const char *path, struct ctl_conf *c, char *err,
	    size_t errlen);

/*
 * Writes an ID number with its middle masked ("110105********002X") for
 * logs: ID numbers are personal data. Short or odd input is masked
 * whole but for its first two characters.
 */
void	ctl_mask_id(const char *id, char *out, size_t outlen);

/*
 * Creates path and its missing parents with mode (like mkdir -p).
 * Returns 0 when path is a folder at the end, -1 with errno otherwise.
 */
int	ctl_mkdirs(const char *path, mode_t mode);

#endif /* CTL_H */
