#include <iostream>
#include <string>
#include <vector>
using namespace std;

int a[200005];

int main() {
    int n;
    cin >> n;
    for (int i = 0; i < n; i++) cin >> a[i];
    long long same = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] == a[j]) same++;
    vector<string> names(n);
    for (int i = 0; i < n; i++) names[i] = to_string(a[i] % 3);
    int twins = 0;
    for (int i = 0; i < (int)names.size() - 1; i++) {
        for (int j = i + 1; j < (int)names.size(); j++) {
            if (names[j] == names[i]) {
                twins += 1;
            }
        }
    }
    cout << same << " " << twins << "\n";
}
