#include <cmath>
#include <cstdio>

int main() {
    int n;
    scanf("%d", &n);
    long long inside = 0;
    for (int x = -n; x <= n; x++)
        for (int y = -n; y <= n; y++)
            if (pow(x, 2) + pow(y, 2) <= pow(n, 2)) inside++;
    printf("%lld\n", inside);
    return 0;
}
