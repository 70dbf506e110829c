// How wide the output may be: the terminal's width for stdout.
#ifndef SOFDIR_CLIENT_TERMINAL_WIDTH_H_
#define SOFDIR_CLIENT_TERMINAL_WIDTH_H_

namespace sofdir::client {

// The columns of the terminal on stdout (ioctl TIOCGWINSZ), else $COLUMNS
// when it is a positive number, else 80. At least 20.
int TerminalWidth();

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_TERMINAL_WIDTH_H_
