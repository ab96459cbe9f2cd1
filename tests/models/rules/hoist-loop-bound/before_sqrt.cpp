#include <cmath>
#include <cstdio>

int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    int divisors = 0;
    for (long long d = 1; d <= sqrt(n); d++)
        if (n % d == 0) divisors += (d * d == n) ? 1 : 2;
    printf("%d\n", divisors);
}
