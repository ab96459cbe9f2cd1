#include <cstdio>
#include <cstring>

bool seen[1 << 20];

int main() {
    memset(seen, 0, sizeof(seen));
    int n, count = 0;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) {
        int x;
        if (scanf("%d", &x) != 1) return 1;
        if (!seen[x]) count++;
        seen[x] = true;
    }
    printf("%d\n", count);
}
