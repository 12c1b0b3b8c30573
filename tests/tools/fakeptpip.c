/*
 * fakeptpip — a small PTP/IP camera on loopback, for testing the real
 * libgphoto2 driver without a camera on the desk.
 *
 *   fakeptpip -p PORT -d FRAMES [-l LOG] [-b BUSY] [-B BUSY] [-v SHOT]
 *             [-D DOWN_MS] [-m] [-f FLOOD]
 *
 * It speaks the part of PTP/IP (ISO 15740 over TCP, as libgphoto2's ptp2
 * camlib uses it) that a tethered capture needs: the command and event
 * channels (told apart by their first packet, InitCommandRequest or
 * InitEventRequest; one listener serves both, so the port is given to
 * libgphoto2 as ptpip:127.0.0.1:PORT:PORT), a session, the device info,
 * one storage with a DCIM folder, InitiateCapture with the ObjectAdded
 * and CaptureComplete events, object info, download and delete, and one
 * device property, BatteryLevel (73 %), for the camera diagnostics. The
 * device info advertises exactly these operations, so libgphoto2 asks for
 * nothing else; any other opcode is answered OperationNotSupported and
 * logged. Every operation that arrives is logged (-l) as one line,
 * "op 0x1002 1 0 0", so the tests can print what libgphoto2 issued.
 *
 * Each capture serves the next JPEG of FRAMES (name order, cycling),
 * byte for byte. Faults, for the driver's recovery paths:
 *   -b N   answer the first N InitiateCapture with DeviceBusy (0x2019);
 *   -B N   answer the first N GetObject with DeviceBusy;
 *   -v K   on the K-th capture's download, send half the data and drop
 *          both connections and the listener, for -D ms (default 1500),
 *          then listen again: a camera unplugged mid-download;
 *   -m     never answer the first InitiateCapture (a camera that hangs
 *          until it is reconnected);
 *   -f N   send N unrelated events (DevicePropChanged) before each
 *          ObjectAdded: an event flood.
 * SIGUSR1 presses the camera's own shutter: the next frame becomes a new
 * object, announced with ObjectAdded alone, as a camera does when someone
 * shoots on it while it is tethered.
 * Single-threaded, one poll() loop; it exits on SIGTERM.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {	/* packet types */
	P_INIT_CMD_REQ = 1, P_INIT_CMD_ACK, P_INIT_EVT_REQ, P_INIT_EVT_ACK,
	P_INIT_FAIL, P_CMD_REQ, P_CMD_RESP, P_EVENT, P_START_DATA, P_DATA,
	P_CANCEL, P_END_DATA
};
enum {	/* operations, responses, events, formats */
	OP_GET_DEVICE_INFO = 0x1001, OP_OPEN_SESSION, OP_CLOSE_SESSION,
	OP_GET_STORAGE_IDS, OP_GET_STORAGE_INFO, OP_GET_OBJECT_HANDLES = 0x1007,
	OP_GET_OBJECT_INFO, OP_GET_OBJECT, OP_DELETE_OBJECT = 0x100B,
	OP_INITIATE_CAPTURE = 0x100E, OP_GET_PROP_DESC = 0x1014,
	OP_GET_PROP_VALUE,
	RC_OK = 0x2001, RC_NOT_SUPPORTED = 0x2005, RC_INVALID_HANDLE = 0x2009,
	RC_PROP_NOT_SUPPORTED = 0x200A, RC_BUSY = 0x2019,
	PROP_BATTERY = 0x5001,
	EV_OBJECT_ADDED = 0x4002, EV_PROP_CHANGED = 0x4006,
	EV_CAPTURE_COMPLETE = 0x400D,
	FMT_FOLDER = 0x3001, FMT_JPEG = 0x3801
};
#define STORAGE		0x00010001u
#define FOLDER		1u		/* the DCIM folder's handle */
#define MAXOBJ		64

static const uint16_t ops[] = { OP_GET_DEVICE_INFO, OP_OPEN_SESSION,
    OP_CLOSE_SESSION, OP_GET_STORAGE_IDS, OP_GET_STORAGE_INFO,
    OP_GET_OBJECT_HANDLES, OP_GET_OBJECT_INFO, OP_GET_OBJECT,
    OP_DELETE_OBJECT, OP_INITIATE_CAPTURE, OP_GET_PROP_DESC,
    OP_GET_PROP_VALUE };

struct obj {
	uint32_t handle;
	char	name[32];
	unsigned char *data;
	size_t	len;
};

static struct {
	const char *dir;
	FILE	*log;
	int	busy, getbusy, vanish_shot, down_ms, mute, flood;
	int	battery;	/* per cent */
	int	lfd, cfd, efd;
	int	port;
	struct obj obj[MAXOBJ];
	int	nobj;
	uint32_t next_handle;
	int	shots, frame;
} F;

static volatile sig_atomic_t quit;

static void
on_term(int sig)
{
	(void)sig;
	quit = 1;
}

static volatile sig_atomic_t shutter;

static void
on_usr1(int sig)
{
	(void)sig;
	shutter = 1;
}

/* ---- packing ---------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t	len, cap;
};

static void
put(struct buf *b, const void *v, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void
u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;

	put(b, &c, 1);
}

static void
u16(struct buf *b, unsigned v)
{
	u8(b, v & 0xff);
	u8(b, (v >> 8) & 0xff);
}

static void
u32(struct buf *b, uint32_t v)
{
	u16(b, v & 0xffff);
	u16(b, v >> 16);
}

static void
u64(struct buf *b, uint64_t v)
{
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

/* s (ASCII) as UCS-2LE with its NUL. */
static void
ucs2z(struct buf *b, const char *s)
{
	do
		u16(b, (unsigned char)*s);
	while (*s++ != '\0');
}

/* A PTP string: a count of UCS-2 characters with the NUL, then them. */
static void
pstr(struct buf *b, const char *s)
{
	if (s[0] == '\0') {
		u8(b, 0);
		return;
	}
	u8(b, (unsigned)(strlen(s) + 1));
	ucs2z(b, s);
}

static void
u16array(struct buf *b, const uint16_t *v, size_t n)
{
	size_t i;

	u32(b, (uint32_t)n);
	for (i = 0; i < n; i++)
		u16(b, v[i]);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* ---- the wire --------------------------------------------------------- */

static int
send_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, c, n, MSG_NOSIGNAL)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
recv_all(int fd, void *p, size_t n)
{
	unsigned char *c = p;
	ssize_t r;

	while (n > 0) {
		if ((r = recv(fd, c, n, 0)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends a packet: length, type, then the payload. */
static int
packet(int fd, uint32_t type, const struct buf *payload)
{
	struct buf b = { 0 };
	int rc;

	u32(&b, (uint32_t)(8 + (payload ? payload->len : 0)));
	u32(&b, type);
	if (payload != NULL && payload->len > 0)
		put(&b, payload->p, payload->len);
	rc = send_all(fd, b.p, b.len);
	free(b.p);
	return rc;
}

/* Reads one packet; *data (malloc'd) holds the payload. */
static int
read_packet(int fd, uint32_t *type, unsigned char **data, size_t *len)
{
	unsigned char h[8];
	uint32_t l;

	if (recv_all(fd, h, 8) == -1)
		return -1;
	l = get32(h);
	*type = get32(h + 4);
	if (l < 8 || l > (1u << 20))
		return -1;
	*len = l - 8;
	if ((*data = malloc(*len + 1)) == NULL)
		return -1;
	if (recv_all(fd, *data, *len) == -1) {
		free(*data);
		return -1;
	}
	return 0;
}

static int
respond(uint16_t code, uint32_t tid, int nparam, uint32_t p1)
{
	struct buf b = { 0 };
	int rc;

	u16(&b, code);
	u32(&b, tid);
	if (nparam > 0)
		u32(&b, p1);
	rc = packet(F.cfd, P_CMD_RESP, &b);
	free(b.p);
	return rc;
}

static void
event(uint16_t code, uint32_t tid, uint32_t p1)
{
	struct buf b = { 0 };

	if (F.efd == -1)
		return;
	u16(&b, code);
	u32(&b, tid);
	u32(&b, p1);
	packet(F.efd, P_EVENT, &b);
	free(b.p);
}

/* The data phase (StartData, EndData) for len bytes; with cut, only the
 * first half goes out and -1 is returned. */
static int
data_phase(uint32_t tid, const unsigned char *p, size_t len, int cut)
{
	struct buf b = { 0 };
	int rc;

	u32(&b, tid);
	u64(&b, len);
	rc = packet(F.cfd, P_START_DATA, &b);
	b.len = 0;
	u32(&b, tid);
	put(&b, p, cut ? len / 2 : len);
	if (rc == 0)
		rc = packet(F.cfd, cut ? P_DATA : P_END_DATA, &b);
	free(b.p);
	return cut ? -1 : rc;
}

static int
send_dataset(uint32_t tid, struct buf *d)
{
	int rc = data_phase(tid, d->p, d->len, 0);

	free(d->p);
	return rc == 0 ? respond(RC_OK, tid, 0, 0) : -1;
}

/* ---- the camera ------------------------------------------------------- */

static struct obj *
find(uint32_t h)
{
	int i;

	for (i = 0; i < F.nobj; i++)
		if (F.obj[i].handle == h)
			return &F.obj[i];
	return NULL;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_jpeg(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcasecmp(d->d_name + n - 4, ".jpg") == 0;
}

/* The next frame of the folder as a new object. */
static struct obj *
shoot(void)
{
	struct dirent **ents;
	struct obj *o;
	char path[4096];
	FILE *f;
	long sz;
	int n, i;

	if (F.nobj >= MAXOBJ || (n = scandir(F.dir, &ents, is_jpeg,
	    name_cmp)) <= 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", F.dir, ents[F.frame % n]->d_name);
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	F.frame++;
	o = &F.obj[F.nobj];
	memset(o, 0, sizeof(*o));
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (o->data = malloc((size_t)sz)) !=
	    NULL && fread(o->data, 1, (size_t)sz, f) == (size_t)sz)
		o->len = (size_t)sz;
	fclose(f);
	if (o->len == 0) {
		free(o->data);
		return NULL;
	}
	o->handle = F.next_handle++;
	snprintf(o->name, sizeof(o->name), "IMG_%04u.JPG", o->handle - 0x100);
	F.nobj++;
	return o;
}

static void
device_info(struct buf *b)
{
	static const uint16_t evs[] = { EV_OBJECT_ADDED, EV_PROP_CHANGED,
	    EV_CAPTURE_COMPLETE };
	static const uint16_t cap[] = { FMT_JPEG };
	static const uint16_t img[] = { FMT_FOLDER, FMT_JPEG };
	static const uint16_t props[] = { PROP_BATTERY };

	u16(b, 100);		/* standard version 1.00 */
	u32(b, 0);		/* no vendor extension */
	u16(b, 0);
	pstr(b, "");
	u16(b, 0);		/* functional mode */
	u16array(b, ops, sizeof(ops) / sizeof(ops[0]));
	u16array(b, evs, 3);
	u16array(b, props, 1);
	u16array(b, cap, 1);
	u16array(b, img, 2);
	pstr(b, "idphotod tests");
	pstr(b, "Fake PTP/IP Camera");
	pstr(b, "1.0");
	pstr(b, "IDP0001");
}

/* The folder's info when o is NULL, else the frame's. */
static void
object_info(struct buf *b, const struct obj *o)
{
	u32(b, STORAGE);
	u16(b, o ? FMT_JPEG : FMT_FOLDER);
	u16(b, 0);			/* protection */
	u32(b, o ? (uint32_t)o->len : 0);
	u16(b, 0);			/* no thumbnail */
	u32(b, 0);
	u32(b, 0);
	u32(b, 0);
	u32(b, 0);			/* pixel size: not told */
	u32(b, 0);
	u32(b, 0);
	u32(b, o ? FOLDER : 0);		/* parent: the folder, or the root */
	u16(b, o ? 0 : 1);		/* association: generic folder */
	u32(b, 0);
	u32(b, 0);
	pstr(b, o ? o->name : "DCIM");
	pstr(b, "20260601T120000");
	pstr(b, "20260601T120000");
	pstr(b, "");
}

/* Drops both connections and the listener for down_ms: unplugged. */
static int listen_on(int port);

static void
vanish(void)
{
	struct timespec ts = { F.down_ms / 1000, (F.down_ms % 1000) *
	    1000000L };

	if (F.log)
		fprintf(F.log, "vanish %d ms\n", F.down_ms);
	if (F.cfd != -1)
		close(F.cfd);
	if (F.efd != -1)
		close(F.efd);
	close(F.lfd);
	F.cfd = F.efd = -1;
	nanosleep(&ts, NULL);
	F.lfd = listen_on(F.port);
}

static int
command(const unsigned char *d, size_t len)
{
	uint16_t op;
	uint32_t tid, p[5] = { 0 };
	struct buf b = { 0 };
	struct obj *o;
	size_t i, np;

	if (len < 10)
		return -1;
	op = (uint16_t)(d[4] | d[5] << 8);
	tid = get32(d + 6);
	np = (len - 10) / 4;
	for (i = 0; i < np && i < 5; i++)
		p[i] = get32(d + 10 + 4 * i);
	if (F.log) {
		fprintf(F.log, "op 0x%04x", op);
		for (i = 0; i < np && i < 5; i++)
			fprintf(F.log, " 0x%x", p[i]);
		fputc('\n', F.log);
	}
	switch (op) {
	case OP_OPEN_SESSION:
	case OP_CLOSE_SESSION:
		return respond(RC_OK, tid, 0, 0);
	case OP_GET_DEVICE_INFO:
		device_info(&b);
		return send_dataset(tid, &b);
	case OP_GET_PROP_DESC:		/* BatteryLevel: UINT8, 0-100 */
	case OP_GET_PROP_VALUE:
		if (p[0] != PROP_BATTERY)
			return respond(RC_PROP_NOT_SUPPORTED, tid, 0, 0);
		if (op == OP_GET_PROP_DESC) {
			u16(&b, PROP_BATTERY);
			u16(&b, 0x0002);	/* UINT8 */
			u8(&b, 0);		/* get only */
			u8(&b, 100);		/* factory default */
		}
		u8(&b, (unsigned)F.battery);
		if (op == OP_GET_PROP_DESC) {
			u8(&b, 1);		/* a range: */
			u8(&b, 0);
			u8(&b, 100);
			u8(&b, 1);
		}
		return send_dataset(tid, &b);
	case OP_GET_STORAGE_IDS:
		u32(&b, 1);
		u32(&b, STORAGE);
		return send_dataset(tid, &b);
	case OP_GET_STORAGE_INFO:
		u16(&b, 4);		/* removable RAM */
		u16(&b, 2);		/* generic hierarchical */
		u16(&b, 0);		/* read-write */
		u64(&b, 1u << 30);
		u64(&b, 1u << 29);
		u32(&b, 1000);
		pstr(&b, "RAM");
		pstr(&b, "FAKE");
		return send_dataset(tid, &b);
	case OP_GET_OBJECT_HANDLES: {
		/* root (0xffffffff): the folder; the folder: the frames */
		uint32_t parent = np > 2 ? p[2] : 0;
		int n = 0, k;

		if (parent == 0xffffffffu)
			n = 1;
		else if (parent == FOLDER || parent == 0)
			n = F.nobj + (parent == 0);
		u32(&b, (uint32_t)n);
		if (parent == 0xffffffffu || parent == 0)
			u32(&b, FOLDER);
		if (parent == FOLDER || parent == 0)
			for (k = 0; k < F.nobj; k++)
				u32(&b, F.obj[k].handle);
		return send_dataset(tid, &b);
	}
	case OP_GET_OBJECT_INFO:
		o = p[0] == FOLDER ? NULL : find(p[0]);
		if (p[0] != FOLDER && o == NULL)
			return respond(RC_INVALID_HANDLE, tid, 0, 0);
		object_info(&b, o);
		return send_dataset(tid, &b);
	case OP_GET_OBJECT:
		if ((o = find(p[0])) == NULL)
			return respond(RC_INVALID_HANDLE, tid, 0, 0);
		if (F.getbusy > 0) {
			F.getbusy--;
			return respond(RC_BUSY, tid, 0, 0);
		}
		if (F.vanish_shot > 0 && F.shots == F.vanish_shot) {
			F.vanish_shot = 0;	/* once */
			data_phase(tid, o->data, o->len, 1);
			vanish();
			return 0;
		}
		if (data_phase(tid, o->data, o->len, 0) == -1)
			return -1;
		return respond(RC_OK, tid, 0, 0);
	case OP_DELETE_OBJECT:
		if ((o = find(p[0])) == NULL)
			return respond(RC_INVALID_HANDLE, tid, 0, 0);
		free(o->data);
		*o = F.obj[--F.nobj];
		return respond(RC_OK, tid, 0, 0);
	case OP_INITIATE_CAPTURE: {
		int k;

		if (F.mute) {
			F.mute = 0;
			return 0;	/* the camera hangs */
		}
		if (F.busy > 0) {
			F.busy--;
			return respond(RC_BUSY, tid, 0, 0);
		}
		if ((o = shoot()) == NULL)
			return respond(0x200C, tid, 0, 0);	/* store full */
		F.shots++;
		if (respond(RC_OK, tid, 0, 0) == -1)
			return -1;
		for (k = 0; k < F.flood; k++)
			event(EV_PROP_CHANGED, tid, 0x5001);
		event(EV_OBJECT_ADDED, tid, o->handle);
		event(EV_CAPTURE_COMPLETE, tid, 0);
		return 0;
	}
	default:
		return respond(RC_NOT_SUPPORTED, tid, 0, 0);
	}
}

/* The first packet of a new connection says which channel it is. */
static void
accept_one(void)
{
	int fd = accept(F.lfd, NULL, NULL);
	uint32_t type;
	unsigned char *d = NULL;
	size_t len;
	struct buf b = { 0 };
	static const unsigned char guid[16] = { 0x69, 0x64, 0x70, 0x68, 0x6f,
	    0x74, 0x6f, 0x64, 1, 2, 3, 4, 5, 6, 7, 8 };

	if (fd == -1)
		return;
	if (read_packet(fd, &type, &d, &len) == -1) {
		close(fd);
		return;
	}
	if (type == P_INIT_CMD_REQ) {
		if (F.cfd != -1)
			close(F.cfd);
		F.cfd = fd;
		u32(&b, 1);			/* connection number */
		put(&b, guid, 16);
		ucs2z(&b, "Fake PTP/IP Camera");
		u32(&b, 0x00010000);		/* version 1.0 */
		packet(fd, P_INIT_CMD_ACK, &b);
		if (F.log)
			fprintf(F.log, "command channel\n");
	} else if (type == P_INIT_EVT_REQ) {
		if (F.efd != -1)
			close(F.efd);
		F.efd = fd;
		packet(fd, P_INIT_EVT_ACK, NULL);
		if (F.log)
			fprintf(F.log, "event channel\n");
	} else
		close(fd);
	free(b.p);
	free(d);
}

static int
listen_on(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1
	    || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4) == -1) {
		perror("fakeptpip: listen");
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	int ch;

	F.cfd = F.efd = -1;
	F.down_ms = 1500;
	F.battery = 73;
	F.next_handle = 0x101;
	while ((ch = getopt(argc, argv, "p:d:l:b:B:v:D:mf:")) != -1) {
		switch (ch) {
		case 'p': F.port = atoi(optarg); break;
		case 'd': F.dir = optarg; break;
		case 'l':
			if ((F.log = fopen(optarg, "a")) == NULL) {
				perror(optarg);
				return 1;
			}
			setvbuf(F.log, NULL, _IOLBF, 0);
			break;
		case 'b': F.busy = atoi(optarg); break;
		case 'B': F.getbusy = atoi(optarg); break;
		case 'v': F.vanish_shot = atoi(optarg); break;
		case 'D': F.down_ms = atoi(optarg); break;
		case 'm': F.mute = 1; break;
		case 'f': F.flood = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fakeptpip -p PORT -d FRAMES "
			    "[-l LOG] [-b BUSY] [-B BUSY] [-v SHOT] [-D MS] "
			    "[-m] [-f FLOOD]\n");
			return 2;
		}
	}
	if (F.port <= 0 || F.dir == NULL) {
		fprintf(stderr, "fakeptpip: -p PORT and -d FRAMES are needed\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGUSR1, on_usr1);
	F.lfd = listen_on(F.port);
	while (!quit) {
		struct pollfd pfd[3];
		struct obj *o;
		int n = 0, i;

		if (shutter && F.efd != -1) {	/* its own shutter */
			shutter = 0;
			if ((o = shoot()) != NULL) {
				F.shots++;
				if (F.log != NULL)
					fprintf(F.log, "shutter 0x%x\n",
					    o->handle);
				event(EV_OBJECT_ADDED, 0, o->handle);
			}
		}

		pfd[n++] = (struct pollfd){ F.lfd, POLLIN, 0 };
		if (F.cfd != -1)
			pfd[n++] = (struct pollfd){ F.cfd, POLLIN, 0 };
		if (F.efd != -1)
			pfd[n++] = (struct pollfd){ F.efd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)n, 200) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			uint32_t type;
			unsigned char *d;
			size_t len;
			int fd = pfd[i].fd;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (fd == F.lfd) {
				accept_one();
				break;		/* the fds changed */
			}
			if (read_packet(fd, &type, &d, &len) == -1) {
				close(fd);	/* the host went away */
				if (fd == F.cfd)
					F.cfd = -1;
				else
					F.efd = -1;
				break;
			}
			if (fd == F.cfd && type == P_CMD_REQ && command(d, len)
			    == -1 && F.cfd != -1) {
				close(F.cfd);
				F.cfd = -1;
			}
			free(d);
			break;
		}
	}
	return 0;
}
