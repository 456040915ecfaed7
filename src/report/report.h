/* report.h — entry point of `mpcensus report` (the paper's figures and tables as a self-contained HTML report). */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

int cmd_report(int argc, char **argv);

#endif
