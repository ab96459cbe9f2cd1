#include <cstdio>

int main() {
    int n = 36;
    for (int d = 1; d <= n; d++)
        if (n % d == 0) printf("%d\n", d);
}
