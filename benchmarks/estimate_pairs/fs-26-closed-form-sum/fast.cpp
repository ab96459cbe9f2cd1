#include <cstdio>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long l, r;
        scanf("%lld %lld", &l, &r);
        long long s = l <= r ? (l + r) * (r - l + 1) / 2 : 0;
        printf("%lld\n", s);
    }
    return 0;
}
