#include "bits/stdc++.h"
using namespace std;

// Only C stdio here: <bits/stdc++.h> still sets up the iostreams before main.
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    vector<int> v(n);
    for (int& x : v) scanf("%d", &x);
    sort(v.begin(), v.end());
    printf("%d %d\n", v.front(), v.back());
}
