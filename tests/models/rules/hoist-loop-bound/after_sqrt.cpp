#include <cmath>
#include <cstdio>

int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    int divisors = 0;
    { const auto pie_bound_1 = sqrt(n); for (long long d = 1; d <= pie_bound_1; d++)
        if (n % d == 0) divisors += (d * d == n) ? 1 : 2; }
    printf("%d\n", divisors);
}
