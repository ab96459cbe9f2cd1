#include <cstdio>

int main() {
    int n = 36, s = 0;
    for (int d = 1; d <= n; d++)
        if (n % d == 0) s += 5 - d;
    printf("%d\n", s);
}
