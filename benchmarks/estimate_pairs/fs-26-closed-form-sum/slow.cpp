#include <cstdio>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long l, r;
        scanf("%lld %lld", &l, &r);
        long long s = 0;
        for (long long x = l; x <= r; x++) s += x;
        printf("%lld\n", s);
    }
    return 0;
}
