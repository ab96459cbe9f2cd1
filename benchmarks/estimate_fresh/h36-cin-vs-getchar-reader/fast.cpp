#include <bits/stdc++.h>
using namespace std;

// n signed integers: sum, xor of absolute values, and the longest run of increasing values.
static long long readInt() {
    int c = getchar();
    while (c != '-' && (c < '0' || c > '9')) c = getchar();
    bool neg = c == '-';
    if (neg) c = getchar();
    long long v = 0;
    while (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        c = getchar();
    }
    return neg ? -v : v;
}

int main() {
    int n = (int)readInt();
    long long sum = 0, x = 0, prev = LLONG_MIN;
    int run = 0, best = 0;
    for (int i = 0; i < n; i++) {
        long long v = readInt();
        sum += v;
        x ^= v < 0 ? -v : v;
        run = v > prev ? run + 1 : 1;
        best = max(best, run);
        prev = v;
    }
    printf("%lld %lld %d\n", sum, x, best);
    return 0;
}
