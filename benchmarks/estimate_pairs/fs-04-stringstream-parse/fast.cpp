#include <cstdio>

int main() {
    long long total = 0, value = 0;
    int lines = 0, c;
    bool in_number = false, negative = false, line_open = false;
    while ((c = getchar()) != EOF) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            in_number = true;
        } else {
            if (in_number) total += negative ? -value : value;
            negative = c == '-';
            value = 0;
            in_number = false;
        }
        if (c == '\n') {
            lines++;
            line_open = false;
        } else {
            line_open = true;
        }
    }
    if (in_number) total += negative ? -value : value;
    if (line_open) lines++;
    printf("%d %lld\n", lines, total);
    return 0;
}
