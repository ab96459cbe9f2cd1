#include <cstdio>

static char buf[1 << 16];
static int len = 0, pos = 0;

static inline int gc() {
    if (pos == len) {
        len = (int)fread(buf, 1, sizeof buf, stdin);
        pos = 0;
        if (len <= 0) return -1;
    }
    return buf[pos++];
}

static long long readInt() {
    int c = gc();
    while (c != '-' && (c < '0' || c > '9')) c = gc();
    bool neg = c == '-';
    if (neg) c = gc();
    long long x = 0;
    while (c >= '0' && c <= '9') x = x * 10 + (c - '0'), c = gc();
    return neg ? -x : x;
}

int main() {
    int n = (int)readInt();
    long long sum = 0, mx = -1;
    for (int i = 0; i < n; i++) {
        long long x = readInt();
        sum += x;
        if (x > mx) mx = x;
    }
    printf("%lld %lld\n", sum, mx);
}
