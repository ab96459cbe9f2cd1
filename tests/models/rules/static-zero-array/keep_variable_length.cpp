#include <cstdio>

int n = 100000;

int main() {
    scanf("%d", &n);
    int a[n] = {0};
    printf("%d\n", a[n - 1]);
}
