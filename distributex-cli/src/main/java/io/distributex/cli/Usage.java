package io.distributex.cli;

/** The help text, in the shape of 0.7's (argparse) help so that its users find their way. */
final class Usage {
  static final String TEXT =
      String.join(
          "\n",
          "usage: distributex [-h] -H HOST -r POOL [-p PORT] [-l] [-w SECONDS] [--id NAME]",
          "                   [--lease SECONDS] [--grace SECONDS] [--keep-on-loss]",
          "                   [--secret-file FILE] [-v] [--] COMMAND [ARG...]",
          "",
          "Distributex client: runs COMMAND while holding a slot of POOL on the Distributex",
          "server HOST, so that only one host of a cluster runs it at a time.",
          "",
          "positional arguments:",
          "  COMMAND [ARG...]    Command to execute when lock is obtained: one argument",
          "                      runs through 'sh -c', several run as given",
          "",
          "optional arguments:",
          "  -h, --help          show this help message and exit",
          "  -H HOST             Server hostname",
          "  -r POOL             Resource pool",
          "  -p PORT             Server port (default 9889)",
          "  -l                  Use local locking as well ($TMPDIR/distributex-POOL.lock):",
          "                      a second run on this machine exits 75 at once, also one",
          "                      as the same NAME that would otherwise wait (see below)",
          "  -w SECONDS          Give up after SECONDS without running COMMAND (exit 75)",
          "  --id NAME           Lock as NAME (default: this machine's fully qualified name)",
          "  --lease SECONDS     Hold the slot SECONDS at a time, renewed while COMMAND",
          "                      runs (default 15): a dead client frees it within a lease",
          "  --grace SECONDS     When the slot is lost: SIGTERM to COMMAND, SIGKILL after",
          "                      SECONDS (default 10)",
          "  --keep-on-loss      When the slot is lost, only warn: COMMAND runs on",
          "  --secret-file FILE  Read the server's secret from FILE's first line",
          "                      (default: $DISTRIBUTEX_SECRET)",
          "  -v, --verbose       Say on stderr what happens",
          "",
          "COMMAND sees DISTRIBUTEX_POOL, DISTRIBUTEX_HOST (the name it holds the slot as),",
          "DISTRIBUTEX_TOKEN (the fencing token) and DISTRIBUTEX_SERVER in its environment;",
          "DISTRIBUTEX_SECRET is taken out of it.",
          "SIGINT and SIGTERM are passed on to COMMAND.",
          "",
          "Runs on this machine as the same NAME for the same POOL and HOST, which the",
          "server would grant one slot together, take turns: a second one waits for the",
          "first to end (within -w), then asks the server.",
          "",
          "exit status: COMMAND's own; 64 usage error; 69 server unreachable or request",
          "refused, COMMAND not run; 70 slot lost while COMMAND ran; 73 local lock file",
          "unusable; 75 lock not obtained (-w ran out, -l busy), COMMAND not run;",
          "128+N stopped by signal N.",
          "");

  private Usage() {}
}
