// How wide the output may be: the terminal's width for stdout.
#ifndef SOFDIR_CLIENT_TERMINAL_WIDTH_H_
#define SOFDIR_CLIENT_TERMINAL_WIDTH_H_

namespace sofdir::client {

// The columns of the terminal on stdout (ioctl TIOCGWINSZ), else $COLUMNS
// when it is a positive number (at least 20 either way), else 0: output to
// a pipe or a file is not cut, so that grep finds whole values.
int TerminalWidth();

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_TERMINAL_WIDTH_H_
