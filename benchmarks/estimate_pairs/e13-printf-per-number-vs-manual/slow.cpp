#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n);
    for (int i = 0; i < n; i++) printf("%d\n", (int)((i * 2654435761u) >> 7));
}
