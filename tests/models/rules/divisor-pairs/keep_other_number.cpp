#include <cstdio>

int main() {
    int n = 36, m = 48, c = 0;
    for (int d = 1; d <= n; d++)
        if (m % d == 0) c++;
    printf("%d\n", c);
}
