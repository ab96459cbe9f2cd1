#include <cstdio>

int a[200000];

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    int under = 0, exact = 0, over = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] + a[j] <= k) under++;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[j] + a[i] == k) exact += 1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (k < a[i] + a[j]) over++;
    printf("%d %d %d\n", under, exact, over);
}
