#include <cmath>
#include <cstdio>

int main() {
    long long n = 360;
    int factors = 0;
    for (long long d = 2; d <= sqrt(n); d++)
        while (n % d == 0) {
            n /= d;
            factors++;
        }
    printf("%d %lld\n", factors + (n > 1), n);
}
