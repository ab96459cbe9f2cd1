#include <cstdio>

long long fib(long long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main() {
    long long n;
    scanf("%lld", &n);
    printf("%lld\n", fib(n));
}
