#include <cstdio>

bool is_prime(int x) {
    if (x < 2) return false;
    for (int d = 2; d < x; d++)
        if (x % d == 0) return false;
    return true;
}

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        int n;
        scanf("%d", &n);
        int count = 0;
        for (int x = 1; x <= n; x++)
            if (is_prime(x)) count++;
        printf("%d\n", count);
    }
    return 0;
}
