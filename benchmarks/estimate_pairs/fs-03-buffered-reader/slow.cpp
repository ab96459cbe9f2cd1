#include <cstdio>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        total += x % 1000;
    }
    printf("%lld\n", total);
    return 0;
}
