#include <cstdio>

static char buf[1 << 16];
static size_t len = 0, pos = 0;

static int next_char() {
    if (pos == len) {
        len = fread(buf, 1, sizeof buf, stdin);
        pos = 0;
        if (len == 0) return -1;
    }
    return buf[pos++];
}

static bool read_int(int &out) {
    int c = next_char();
    while (c != -1 && c != '-' && (c < '0' || c > '9')) c = next_char();
    if (c == -1) return false;
    bool negative = c == '-';
    if (negative) c = next_char();
    int value = 0;
    while (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        c = next_char();
    }
    out = negative ? -value : value;
    return true;
}

int main() {
    int n;
    if (!read_int(n)) return 0;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        int x = 0;
        read_int(x);
        total += x % 1000;
    }
    printf("%lld\n", total);
    return 0;
}
