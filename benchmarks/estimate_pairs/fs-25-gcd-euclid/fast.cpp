#include <cstdio>
#include <numeric>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long g = std::gcd(a, b);
        printf("%lld %lld\n", g, a / g * b);
    }
    return 0;
}
