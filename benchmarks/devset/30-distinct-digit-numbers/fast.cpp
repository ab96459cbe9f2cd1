#include <bits/stdc++.h>
using namespace std;

static inline bool distinctDigits(int x) {
    unsigned mask = 0;
    while (x > 0) {
        unsigned bit = 1u << (x % 10);
        if (mask & bit) return false;
        mask |= bit;
        x /= 10;
    }
    return true;
}

int main() {
    int l, r;
    scanf("%d %d", &l, &r);
    int cnt = 0;
    long long last = -1;
    for (int x = l; x <= r; x++)
        if (distinctDigits(x)) cnt++, last = x;
    printf("%d %lld\n", cnt, last);
}
