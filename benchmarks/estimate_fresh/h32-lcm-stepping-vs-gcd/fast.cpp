#include <cstdio>

// q pairs: sum of lcm(a, b), and how many pairs are coprime; lcm from Euclid's gcd.
long long gcd(long long a, long long b) {
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int main() {
    int q;
    scanf("%d", &q);
    long long sum = 0;
    int coprime = 0;
    for (int i = 0; i < q; i++) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long g = gcd(a, b);
        sum += a / g * b;
        if (g == 1) coprime++;
    }
    printf("%lld %d\n", sum, coprime);
    return 0;
}
