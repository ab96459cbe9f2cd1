#include <cstdio>

long long fib(int n) {
    if (n < 2) return n;
    return (fib(n - 1) + fib(n - 2)) % 1000000007;
}

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        int n;
        scanf("%d", &n);
        printf("%lld\n", fib(n));
    }
    return 0;
}
