/*
 * bench/'s stopwatch: measure COMMAND [ARGUMENT...] runs the command
 * (stdin and stdout inherited) and prints, on stderr,
 *
 *     measure: seconds=S peak_rss_kb=K status=N
 *
 * the wall-clock time and the peak resident set size that wait4 reports
 * for it; exits with the command's status.  Needs nothing beyond libc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec start, end;
	struct rusage usage;
	int status;
	pid_t child;

	if (argc < 2) {
		fprintf(stderr, "usage: measure COMMAND [ARGUMENT...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	child = fork();
	if (child < 0) {
		perror("measure: fork");
		return 2;
	}
	if (child == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (wait4(child, &status, 0, &usage) < 0) {
		perror("measure: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "measure: seconds=%.3f peak_rss_kb=%ld status=%d\n",
	    (double)(end.tv_sec - start.tv_sec) +
	    (double)(end.tv_nsec - start.tv_nsec) / 1e9, usage.ru_maxrss,
	    status);
	return status;
}
