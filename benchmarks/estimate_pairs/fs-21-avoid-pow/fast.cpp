#include <cstdio>

int main() {
    int n;
    scanf("%d", &n);
    long long inside = 0;
    const long long r2 = 1LL * n * n;
    for (int x = -n; x <= n; x++)
        for (int y = -n; y <= n; y++)
            if (1LL * x * x + 1LL * y * y <= r2) inside++;
    printf("%lld\n", inside);
    return 0;
}
