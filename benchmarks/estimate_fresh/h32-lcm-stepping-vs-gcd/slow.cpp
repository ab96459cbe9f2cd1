#include <cstdio>

// q pairs: sum of lcm(a, b), and how many pairs are coprime; lcm found by stepping multiples.
int main() {
    int q;
    scanf("%d", &q);
    long long sum = 0;
    int coprime = 0;
    for (int i = 0; i < q; i++) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long big = a > b ? a : b, small = a > b ? b : a;
        long long m = big;
        while (m % small != 0) m += big;
        sum += m;
        if (m == a * b) coprime++;
    }
    printf("%lld %d\n", sum, coprime);
    return 0;
}
