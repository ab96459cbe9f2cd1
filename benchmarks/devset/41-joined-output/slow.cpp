#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    string ans = "";
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        if (x % 3 == 0) ans = ans + to_string(x / 3) + " ";
        else ans = ans + to_string(x) + " ";
    }
    cout << ans.size() << "\n" << ans << "\n";
}
