/* idphotoctl — placeholder until the offline modes land. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "idphotoctl: not yet\n");
	return 2;
}
