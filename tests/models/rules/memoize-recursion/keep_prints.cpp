#include <cstdio>

int f(int n) {
    printf("%d\n", n);
    return n < 2 ? 1 : f(n - 1) + f(n - 2);
}

int main() { printf("%d\n", f(5)); }
