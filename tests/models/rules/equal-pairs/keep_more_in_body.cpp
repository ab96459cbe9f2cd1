#include <iostream>
using namespace std;

int main() {
    int a[5] = {1, 2, 1, 2, 1};
    int same = 0, last = -1;
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (a[i] == a[j]) {
                same++;
                last = j;
            }
    cout << same << " " << last << "\n";
}
